"""Progress for a team lead: one learner's table as JSON or Markdown, and many merged into one.

    workbook progress --format json --name ada > ada.json     # each learner sends this file
    workbook merge ada.json grace.json ...                    # the lead's one table
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

FORMAT_VERSION = 1
SYMBOLS = {"passed": "✔", "failing": "✘", "not started": "·"}


@dataclass(frozen=True)
class Row:
    number: str
    slug: str
    state: str  # passed, failing, not started, broken metadata
    passed: int | None
    total: int | None

    @property
    def score(self) -> str:
        shown = "-" if self.passed is None else str(self.passed)
        return f"{shown}/{self.total if self.total is not None else '-'}"


def as_json(rows: list[Row], learner: str) -> str:
    document = {
        "workbook_progress": FORMAT_VERSION,
        "learner": learner,
        "lessons": [asdict(row) for row in rows],
    }
    return json.dumps(document, indent=1, ensure_ascii=False)


def as_markdown(rows: list[Row], learner: str) -> str:
    done = sum(row.state == "passed" for row in rows)
    lines = [
        f"### Progress of {learner}: {done} of {len(rows)} lessons pass",
        "",
        "| # | lesson | state | checks |",
        "|---|---|---|---|",
    ]
    lines += [f"| {row.number} | {row.slug} | {row.state} | {row.score} |" for row in rows]
    return "\n".join(lines)


class ProgressFileError(ValueError):
    pass


def read(path: Path) -> tuple[str, list[Row]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ProgressFileError(f"{path}: not a progress file ({error})") from None
    if not isinstance(document, dict) or document.get("workbook_progress") != FORMAT_VERSION:
        raise ProgressFileError(
            f"{path}: not made by `workbook progress --format json` (version {FORMAT_VERSION})"
        )
    rows = [Row(**item) for item in document.get("lessons", [])]
    return str(document.get("learner") or path.stem), rows


def merge(paths: list[Path], *, markdown: bool) -> str:
    """One table: a row per lesson, a column per learner, a total per learner."""
    learners = [read(path) for path in paths]
    lessons: dict[str, str] = {}
    for _, rows in learners:
        for row in rows:
            lessons.setdefault(row.number, row.slug)
    states = {
        (name, row.number): row.state for name, rows in learners for row in rows
    }
    names = [name for name, _ in learners]
    totals = [
        sum(states.get((name, number)) == "passed" for number in lessons) for name in names
    ]
    header = ["#", "lesson", *names]
    body = [
        [number, slug, *(SYMBOLS.get(states.get((name, number), ""), "?") for name in names)]
        for number, slug in sorted(lessons.items())
    ]
    footer = ["", "lessons passed", *(f"{total}/{len(lessons)}" for total in totals)]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cells) + " |" for cells in (*body, footer)]
        lines.append("")
        lines.append("✔ passed · ✘ failing · · not started")
        return "\n".join(lines)
    table = (header, *body, footer)
    widths = [max(len(str(cells[i])) for cells in table) for i in range(len(header))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))
        for cells in (header, *body, footer)
    )
