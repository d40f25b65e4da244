"""The docs site, generated from the lessons' own sources.

Each lesson page, the lessons overview, the rule index and the navigation are built from
`lessons/`, `solutions/`, `checks/` and `notebooks/` when the site is built, so nothing is
written twice and a new lesson appears without editing a central file. The output is plain
Markdown using only admonitions, tabs, details and attribute lists, so the same pages can feed
another generator (Zensical) with little work.

    python -m workbook.site --out .workbook/docs   # write every page and the nav to disk

`mkdocs build` and `mkdocs serve` run the same code through `workbook/mkdocs_hooks.py`.

Static pages in `docs/` may use markers, expanded on every build:
`{{ lesson 07 }}`, `{{ rule 01.2 }}`, `{{ check 01 an_unknown_field_is_refused }}` (links that
say "to come" while the lesson does not exist yet) and `{{ notebook evidence_serialization }}`
(the stored notebook `notebooks/evidence_serialization.ipynb`, rendered with its outputs).
"""

import argparse
import difflib
import json
import posixpath
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook import files as lesson_files
from workbook import pristine, snippets
from workbook.harness import CheckSpec, load_checks
from workbook.lessons import (
    PARTS,
    Lesson,
    MetadataError,
    Rule,
    find_kit_root,
    lesson_dirs,
    load_lesson,
)
from workbook.targets import WrongVariant, wrong_variants

DOCS_DIR = "docs"
NOTEBOOKS_DIR = "notebooks"
LESSONS_INDEX = "lessons/index.md"
RULE_INDEX = "rules.md"
DEFAULT_OUT = Path(".workbook") / "docs"

# The hand-written pages, in the order the navigation shows them around the lessons.
PAGES_BEFORE_LESSONS = (("Home", "index.md"), ("Getting started", "getting-started.md"))
PAGES_AFTER_LESSONS = (
    ("Rule index", RULE_INDEX),
    ("Where the guidelines disagree", "disagreements.md"),
    ("The source guidelines", "sources.md"),
    ("Audit your own service", "audit.md"),
    ("Run a team session", "facilitator.md"),
    ("Contributing", "contributing.md"),
)

HINT_TIERS = ("a nudge", "the tool", "nearly the answer")

# What the five seed documents are, for the rule index's legend.
SEEDS = {
    "000": "Enhanced Python + FastAPI scalable API development instructions",
    "001": "Python + FastAPI AI coding rules",
    "002": "Comprehensive guidelines for robust, scalable FastAPI applications",
    "003": "Python, FastAPI and scalable API development (key principles)",
    "004": "Principles of backend development with FastAPI (context for a coding agent)",
}

RULE_HEADING = re.compile(r"^(?P<hashes>#{2,4}) (?P<id>\d{2}\.\d+) (?P<title>.+?)\s*$")
ATX_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?=\s)")
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")
MARKER = re.compile(
    r"\{\{\s*(?P<kind>lesson|rule|check|notebook|portable|sizes)\s+(?P<args>[^{}]*?)\s*\}\}"
)
BLOCK_MARKERS = frozenset({"notebook", "portable", "sizes"})  # each stands on a line of its own
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Page:
    """A file of the site: its path under the docs folder and its content."""

    path: str
    content: str | bytes


@dataclass
class Site:
    """Everything generated for one build, and what went wrong while generating it."""

    pages: list[Page] = field(default_factory=list)
    nav: list[Any] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --- the whole site --------------------------------------------------------------------------


def generate(kit_root: Path) -> Site:
    """Every generated page and the navigation, from the lessons found under `kit_root`."""
    site = Site()
    lessons = []
    for lesson in find_lessons(kit_root, site.problems):
        try:
            page = lesson_page(lesson, site.problems)
        except OSError as error:  # a lesson still being written: its README is not there yet
            site.problems.append(f"{lesson.label()} left out: {error}")
            continue
        lessons.append(lesson)
        site.pages.append(Page(lesson_page_path(lesson), page))
        notebook = notebook_file(kit_root, lesson.name)
        if notebook.is_file():
            site.pages.append(Page(f"{NOTEBOOKS_DIR}/{notebook.name}", notebook.read_bytes()))
    site.pages.append(Page(LESSONS_INDEX, lessons_index_page(lessons)))
    site.pages.append(Page(RULE_INDEX, rule_index_page(lessons)))
    site.pages += evidence_notebook_copies(kit_root, lessons)
    site.nav = navigation(lessons, docs_dir=kit_root / DOCS_DIR)
    return site


def find_lessons(kit_root: Path, problems: list[str] | None = None) -> tuple[Lesson, ...]:
    """The lessons as `discover` finds them, read afresh; a broken one is a problem, not a crash.

    A broken lesson (say, a folder whose `lesson.toml` is still being written) is left out
    and reported, so `mkdocs serve` keeps working; `mkdocs build --strict` fails on it.
    """
    lessons = []
    for path in lesson_dirs(kit_root):
        try:
            lessons.append(load_lesson(path))
        except MetadataError as error:
            if problems is not None:
                problems.append(f"lesson {path.name} left out: {error}")
    return tuple(lessons)


def navigation(lessons: Sequence[Lesson], *, docs_dir: Path) -> list[Any]:
    """The MkDocs `nav`: hand-written pages around the lessons, grouped by part, in order."""

    def existing(pages: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
        generated = {RULE_INDEX, LESSONS_INDEX}
        return [
            {title: path}
            for title, path in pages
            if path in generated or (docs_dir / path).is_file()
        ]

    parts: list[dict[str, list[dict[str, str]]]] = []
    for letter, title in PARTS.items():
        members = [
            {f"{lesson.number} · {lesson.title}": lesson_page_path(lesson)}
            for lesson in lessons
            if lesson.part == letter
        ]
        if members:
            parts.append({f"{letter} · {title}": members})
    lessons_section: list[Any] = [LESSONS_INDEX, *parts]
    return [
        *existing(PAGES_BEFORE_LESSONS),
        {"Lessons": lessons_section},
        *existing(PAGES_AFTER_LESSONS),
    ]


def lesson_page_path(lesson: Lesson) -> str:
    """Where a lesson's page lives; `workbook.report.lesson_url` builds the same address."""
    return f"lessons/{lesson.name}.md"


def notebook_file(kit_root: Path, name: str) -> Path:
    return kit_root / NOTEBOOKS_DIR / f"{name}.ipynb"


def evidence_notebook_copies(kit_root: Path, lessons: Sequence[Lesson]) -> list[Page]:
    """Stored notebooks that belong to no lesson (evidence), offered for download too."""
    lesson_names = {lesson.name for lesson in lessons}
    folder = kit_root / NOTEBOOKS_DIR
    if not folder.is_dir():
        return []
    return [
        Page(f"{NOTEBOOKS_DIR}/{path.name}", path.read_bytes())
        for path in sorted(folder.glob("*.ipynb"))
        if path.stem not in lesson_names
    ]


# --- a lesson's page -------------------------------------------------------------------------


def lesson_page(lesson: Lesson, problems: list[str]) -> str:
    """The lesson's README, given rule anchors and hints, then its code, checks and notebook."""
    specs = lesson_checks(lesson, problems)
    readme = from_sources(
        (lesson.lesson_dir / "README.md").read_text(encoding="utf-8"), lesson.kit_root, problems
    )
    text = anchor_rules(readme, lesson, specs)
    text = insert_after_title(text, lesson_summary(lesson))
    text = add_hints(text, lesson)
    sections = [
        text.rstrip(),
        code_section(lesson),
        checks_section(lesson, specs),
        wrong_variants_section(lesson, problems),
        notebook_section(lesson),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def from_sources(markdown: str, kit_root: Path, problems: list[str]) -> str:
    """Code blocks that name their source (`<!-- source: … -->`), rendered from it."""
    try:
        return snippets.render(markdown, kit_root)
    except snippets.SnippetError as error:
        problems.append(str(error))
        return markdown


def starter_folder(lesson: Lesson) -> Path:
    """The starter as shipped, never a learner's edits (see `workbook.pristine`)."""
    try:
        return pristine.find(lesson)
    except pristine.PristineNotFound:
        return lesson.lesson_dir


def lesson_checks(lesson: Lesson, problems: list[str]) -> tuple[CheckSpec, ...]:
    """The lesson's checks, freshly imported (an author may have just edited them)."""
    for name, module in list(sys.modules.items()):
        if getattr(module, "__file__", None) == str(lesson.checks_file):
            del sys.modules[name]
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # `mkdocs serve` watches checks/: leave no __pycache__
    try:
        return load_checks(lesson)
    except Exception as error:  # noqa: BLE001 - any author error becomes a build warning
        problems.append(f"{lesson.label()}: its checks cannot be loaded: {error!r}")
        return ()
    finally:
        sys.dont_write_bytecode = writes_bytecode


def lesson_summary(lesson: Lesson) -> str:
    prerequisites = ", ".join(
        f"[{number}]({lesson_link(lesson.kit_root, number)})" for number in lesson.prerequisites
    )
    facts = [
        f"Part {lesson.part} · {PARTS[lesson.part]}",
        f"seeds {', '.join(lesson.seeds)}",
        f"prerequisites: {prerequisites or 'none'}",
    ]
    if lesson.services:
        facts.append(f"services: {', '.join(lesson.services)}")
    return (
        " · ".join(facts) + f"\n\nGrade your work with `pytest lessons/{lesson.number}` or "
        f"`workbook watch {lesson.number}`; the starter lives in `lessons/{lesson.name}/app/`."
    )


def lesson_link(kit_root: Path, number: str) -> str:
    """A link from one lesson page to another lesson's page (both live in `lessons/`)."""
    for lesson in find_lessons(kit_root):
        if lesson.number == number:
            return f"{lesson.name}.md"
    return "index.md"


def anchor_rules(readme: str, lesson: Lesson, specs: Sequence[CheckSpec]) -> str:
    """Give each `### NN.K Title` heading the id `rule-NN-K` and a line naming its checks."""
    rules = {rule.id: rule for rule in lesson.rules}
    lines: list[str] = []
    for line, in_fence in walk_lines(readme):
        match = None if in_fence else RULE_HEADING.match(line)
        rule = rules.get(match["id"]) if match else None
        if match is None or rule is None:
            lines.append(line)
            continue
        lines += [f"{line.rstrip()} {{ #{rule.anchor} }}", "", rule_facts(rule, specs)]
    return "\n".join(lines)


def rule_facts(rule: Rule, specs: Sequence[CheckSpec]) -> str:
    """One small line under a rule's heading: its seeds, its checks, how to cite it."""
    names = [spec.name for spec in specs if spec.rule == rule.id]
    checked_by = ", ".join(f"`{name}`" for name in names) or "no check yet"
    return (
        f"Seeds {', '.join(rule.seeds)} · checked by {checked_by} · "
        f"`workbook cite {rule.id}`\n{{ .rule-facts }}"
    )


def insert_after_title(text: str, addition: str) -> str:
    """Put `addition` right below the page's first `# ` heading (or on top when there is none)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("# "):
            return "\n".join([*lines[: index + 1], "", addition, *lines[index + 1 :]])
    return addition + "\n\n" + text


def add_hints(text: str, lesson: Lesson) -> str:
    """Append the tiered hints, collapsed, to the README's `## Hints` section (or add one)."""
    hints = "\n\n".join(hint_block(level, hint) for level, hint in enumerate(lesson.hints, 1))
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "## Hints"), None)
    if start is None:
        return f"{text.rstrip()}\n\n## Hints\n\n{hints}\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    section = "\n".join(lines[start:end]).rstrip()
    rest = "\n".join(lines[end:])
    return "\n".join(lines[:start]) + f"\n{section}\n\n{hints}\n\n{rest}"


def hint_block(level: int, hint: str) -> str:
    tier = f": {HINT_TIERS[level - 1]}" if level <= len(HINT_TIERS) else ""
    return f'??? tip "Hint {level}{tier}"\n\n{indent(hint)}'


def code_section(lesson: Lesson) -> str:
    """Starter against solution, file by file, as diffs computed from the files themselves."""
    starter = lesson_files.read_texts(starter_folder(lesson), beside=lesson_files.LESSON_TEXT)
    solution = lesson_files.read_texts(lesson.solution_dir)
    changed = [
        path
        for path in sorted(starter.keys() | solution.keys())
        if starter.get(path) != solution.get(path)
    ]
    same = sorted(path for path in starter.keys() & solution.keys() if path not in changed)
    parts = [
        "## Starter and solution",
        f"What changes from the starter (`lessons/{lesson.name}/`) to the solution "
        f"(`solutions/{lesson.name}/`), computed from the files when this page is built. "
        "Each tab shows the diff, then the whole solution file and the whole starter file.",
    ]
    for path in changed:
        language = code_language(path)
        tabs = [
            ("Diff", "diff", unified_diff(starter.get(path), solution.get(path), path)),
            ("Solution", language, solution.get(path)),
            ("Starter", language, starter.get(path)),
        ]
        inner = "\n\n".join(
            tab(title, fenced(body, language)) for title, language, body in tabs if body is not None
        )
        parts.append(tab(path, inner))
    if same:
        parts.append("Unchanged: " + ", ".join(f"`{path}`" for path in same) + ".")
    return "\n\n".join(parts)


CODE_LANGUAGES = {".py": "python", ".ini": "ini", ".toml": "toml", ".md": "markdown"}


def code_language(path: str) -> str:
    return CODE_LANGUAGES.get(posixpath.splitext(path)[1], "text")


def unified_diff(
    before: str | None,
    after: str | None,
    path: str,
    labels: tuple[str, str] = ("starter", "solution"),
) -> str:
    lines = difflib.unified_diff(
        (before or "").splitlines(keepends=True),
        (after or "").splitlines(keepends=True),
        fromfile=f"{labels[0]}/app/{path}" if before is not None else "/dev/null",
        tofile=f"{labels[1]}/app/{path}" if after is not None else "/dev/null",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def checks_section(lesson: Lesson, specs: Sequence[CheckSpec]) -> str:
    """The checks by name, with the rule each proves and what it proves."""
    rows = [
        f"| `{spec.name}` | [{spec.rule}](#{rule_anchor(spec.rule)}) | {cell(spec.title)} | "
        f"{'baseline' if spec.baseline else 'teaching'} |"
        for spec in specs
    ]
    return "\n".join(
        [
            "## Checks",
            "",
            f"`pytest lessons/{lesson.number}` runs these against your starter, each in a fresh "
            "import of the app with its lifespan running. A *teaching* check fails on the "
            "starter until you apply the rule; a *baseline* check passes from the start and "
            "must keep passing.",
            "",
            "| check | rule | what it proves | kind |",
            "|---|---|---|---|",
            *rows,
        ]
    )


def rule_anchor(rule_id: str) -> str:
    return "rule-" + rule_id.replace(".", "-")


def wrong_variants_section(lesson: Lesson, problems: list[str]) -> str:
    """The known-wrong variants the checks reject, each with its diff against the solution."""
    try:
        variants = wrong_variants(lesson)
    except ValueError as error:
        problems.append(f"{lesson.label()}: {error}")
        return ""
    if not variants:
        return ""
    solution = lesson_files.read_texts(lesson.solution_dir)
    blocks = [
        "## Known-wrong variants",
        "Plausible mistakes the self-test proves these checks reject.",
    ]
    blocks += [variant_block(variant, solution) for variant in variants]
    return "\n\n".join(blocks)


def variant_block(variant: WrongVariant, solution: dict[str, str]) -> str:
    caught_by = ", ".join(f"`{name}`" for name in variant.caught_by)
    overlay = lesson_files.read_texts(variant.overlay_dir, beside=lesson_files.VARIANT_META)
    diffs = "\n\n".join(
        fenced(unified_diff(solution.get(path), text, path, ("solution", variant.name)), "diff")
        for path, text in sorted(overlay.items())
    )
    return (
        f'??? failure "{variant.name}: {quoted(variant.mistake)}"\n\n'
        f"{indent(f'Caught by {caught_by}.')}\n\n{indent(diffs)}"
    )


def notebook_section(lesson: Lesson) -> str:
    notebook = notebook_file(lesson.kit_root, lesson.name)
    if not notebook.is_file():
        return ""
    return "\n\n".join(
        [
            "## Notebook",
            f"`notebooks/{notebook.name}`, shown with the outputs stored when it was last run "
            f"(the self-test reruns it and compares). [Download it]"
            f"(../{NOTEBOOKS_DIR}/{notebook.name}) or open it in Jupyter with the kit's "
            "environment, as [getting started](../getting-started.md#notebooks) explains.",
            render_notebook(notebook, heading_offset=1, drop_title=True),
        ]
    )


# --- the overview pages ----------------------------------------------------------------------


def lessons_index_page(lessons: Sequence[Lesson]) -> str:
    lines = [
        "# Lessons",
        "",
        "Each lesson is one guideline, or a tight cluster of them: a starter service that breaks "
        "it, checks that say so, and a solution that follows it. Take them in order, or jump "
        "to the rule your team argues about.",
    ]
    for letter, title in PARTS.items():
        members = [lesson for lesson in lessons if lesson.part == letter]
        if not members:
            continue
        lines += ["", f"## {letter} · {title}", "", "| lesson | rules | seeds |", "|---|---|---|"]
        lines += [
            f"| [{lesson.number} · {cell(lesson.title)}]({lesson.name}.md) | "
            + ", ".join(f"[{rule.id}]({lesson.name}.md#{rule.anchor})" for rule in lesson.rules)
            + f" | {', '.join(lesson.seeds)} |"
            for lesson in members
        ]
    return "\n".join(lines) + "\n"


def rule_index_page(lessons: Sequence[Lesson]) -> str:
    lines = [
        "# Rule index",
        "",
        "Every rule of the kit by its id. Cite one in a review with `workbook cite NN.K`, which "
        "prints a link to the rule's section; search finds a rule by its id too.",
        "",
        "| rule | title | lesson | seeds |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| [{rule.id}]({lesson_page_path(lesson)}#{rule.anchor}) | {cell(rule.title)} | "
        f"[{lesson.number} · {cell(lesson.title)}]({lesson_page_path(lesson)}) | "
        f"{', '.join(rule.seeds)} |"
        for lesson in lessons
        for rule in lesson.rules
    ]
    lines += ["", "## Seeds", "", "The guideline documents the kit was distilled from:", ""]
    lines += [f"- **{seed}**: {description}" for seed, description in SEEDS.items()]
    return "\n".join(lines) + "\n"


# --- notebooks as Markdown -------------------------------------------------------------------


def render_notebook(path: Path, *, heading_offset: int = 0, drop_title: bool = False) -> str:
    """A stored notebook as Markdown: its text, its code and the outputs saved with it.

    `drop_title` leaves out a leading `# Title` line (the page has its own heading for it).
    """
    document = json.loads(path.read_text(encoding="utf-8"))
    blocks: list[str] = []
    for index, cell_data in enumerate(document.get("cells", [])):
        source = joined(cell_data.get("source", ""))
        if index == 0 and drop_title and source.startswith("# "):
            source = source.split("\n", 1)[1] if "\n" in source else ""
        if cell_data.get("cell_type") == "markdown":
            blocks.append(demote_headings(source, heading_offset))
        elif cell_data.get("cell_type") == "code" and source.strip():
            blocks.append(fenced(source, "python"))
            blocks += [render_output(output) for output in merged_streams(cell_data)]
    return "\n\n".join(block for block in blocks if block)


def merged_streams(cell_data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A cell's outputs, with consecutive writes to one stream joined into one output."""
    pending: dict[str, Any] | None = None
    for output in cell_data.get("outputs", []):
        if output.get("output_type") == "stream":
            text = joined(output.get("text", ""))
            if pending is not None and pending["name"] == output.get("name"):
                pending["text"] += text
                continue
            if pending is not None:
                yield pending
            pending = {"output_type": "stream", "name": output.get("name"), "text": text}
            continue
        if pending is not None:
            yield pending
            pending = None
        yield output
    if pending is not None:
        yield pending


def render_output(output: dict[str, Any]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return fenced(output["text"], "text", title=str(output.get("name", "output")))
    if kind == "error":
        trace = "\n".join(ANSI.sub("", line) for line in output.get("traceback", []))
        return fenced(
            trace or f"{output.get('ename')}: {output.get('evalue')}", "text", title="error"
        )
    data = output.get("data", {})
    if "text/markdown" in data:
        return joined(data["text/markdown"])
    if "image/png" in data:
        return f'<img alt="output" src="data:image/png;base64,{joined(data["image/png"]).strip()}">'
    if "text/plain" in data:
        return fenced(joined(data["text/plain"]), "text", title="result")
    return ""


def demote_headings(markdown: str, offset: int) -> str:
    if offset <= 0:
        return markdown
    lines = []
    for line, in_fence in walk_lines(markdown):
        match = None if in_fence else ATX_HEADING.match(line)
        if match is None:
            lines.append(line)
            continue
        level = min(len(match["hashes"]) + offset, 6)
        lines.append("#" * level + line[len(match["hashes"]) :])
    return "\n".join(lines)


# --- markers in hand-written pages -----------------------------------------------------------


def expand_markers(markdown: str, kit_root: Path, page_path: str) -> tuple[str, list[str]]:
    """Replace `{{ lesson NN }}`, `{{ rule NN.K }}`, `{{ check NN name }}`, `{{ notebook x }}`.

    Markers inside code (fenced blocks, inline code spans) are left as they are, so a page can
    show how to write one. A notebook marker stands on a line of its own; its indentation is
    kept, so it can sit inside an admonition.
    """
    problems: list[str] = []
    markdown = from_sources(markdown, kit_root, problems)
    lessons = {lesson.number: lesson for lesson in find_lessons(kit_root)}

    def link(target: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(page_path) or ".")

    def replace(match: re.Match[str]) -> str:
        kind, args = match["kind"], match["args"].split()
        try:
            if kind in BLOCK_MARKERS:
                raise MarkerError(f"a {kind} marker stands on a line of its own")
            return MARKER_HANDLERS[kind](args, lessons, link, kit_root)
        except MarkerError as error:
            problems.append(f"{page_path}: {match[0]}: {error}")
            return match[0]

    lines = []
    for line, in_fence in walk_lines(markdown):
        whole = None if in_fence else MARKER.fullmatch(line.strip())
        if whole is not None and whole["kind"] in BLOCK_MARKERS:
            try:
                handler = MARKER_HANDLERS[whole["kind"]]
                rendered = handler(whole["args"].split(), lessons, link, kit_root)
            except MarkerError as error:
                problems.append(f"{page_path}: {whole[0]}: {error}")
                rendered = line.strip()
            prefix = line[: len(line) - len(line.lstrip())]
            lines += [prefix + part if part else "" for part in rendered.splitlines()]
        elif in_fence:
            lines.append(line)
        else:
            lines.append(outside_code_spans(line, lambda text: MARKER.sub(replace, text)))
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else ""), problems


CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


def outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the parts of a line that are not inline code."""
    parts, position = [], 0
    for span in CODE_SPAN.finditer(line):
        parts += [change(line[position : span.start()]), span[0]]
        position = span.end()
    parts.append(change(line[position:]))
    return "".join(parts)


class MarkerError(ValueError):
    """A marker in a hand-written page names something that does not exist."""


Linker = Callable[[str], str]


def lesson_marker(args: list[str], lessons: dict[str, Lesson], link: Linker, _: Path) -> str:
    number = one_argument(args)
    lesson = lessons.get(number)
    if lesson is None:
        return f"lesson {number} (to come)"
    return f"[lesson {number} · {lesson.title}]({link(lesson_page_path(lesson))})"


def rule_marker(args: list[str], lessons: dict[str, Lesson], link: Linker, _: Path) -> str:
    rule_id = one_argument(args)
    lesson = lessons.get(rule_id.split(".")[0])
    if lesson is None:
        return f"rule {rule_id} (lesson to come)"
    try:
        rule = lesson.rule(rule_id)
    except KeyError as error:
        raise MarkerError(str(error)) from None
    return f"[rule {rule.id} · {rule.title}]({link(lesson_page_path(lesson))}#{rule.anchor})"


def check_marker(args: list[str], lessons: dict[str, Lesson], link: Linker, _: Path) -> str:
    if len(args) != 2:
        raise MarkerError("write {{ check NN check_name }}")
    number, name = args
    lesson = lessons.get(number)
    if lesson is None:
        return f"`{name}` (lesson {number}, to come)"
    problems: list[str] = []
    specs = {spec.name: spec for spec in lesson_checks(lesson, problems)}
    if name not in specs:
        raise MarkerError(f"lesson {number} has no check {name!r}")
    return f"[`{name}`]({link(lesson_page_path(lesson))}#checks) (lesson {number})"


def notebook_marker(args: list[str], _: dict[str, Lesson], __: Linker, kit_root: Path) -> str:
    name = one_argument(args)
    path = notebook_file(kit_root, name)
    if not path.is_file():
        raise MarkerError(f"no stored notebook {path.name}: run python -m workbook.notebooks build")
    return render_notebook(path, heading_offset=2)


def portable_marker(args: list[str], lessons: dict[str, Lesson], link: Linker, _: Path) -> str:
    """A table of every portable check (what `workbook audit` runs), from the checks themselves."""
    rows = ["| rule | what the audit proves on your app |", "|---|---|"]
    for lesson in sorted(lessons.values(), key=lambda item: item.number):
        for spec in lesson_checks(lesson, []):
            if spec.portable:
                rule = lesson.rule(spec.rule)
                target = f"{link(lesson_page_path(lesson))}#{rule.anchor}"
                rows.append(f"| [{rule.id} · {rule.title}]({target}) | {spec.title} |")
    return "\n".join(rows)


def sizes_marker(args: list[str], lessons: dict[str, Lesson], link: Linker, _: Path) -> str:
    """Each lesson's size, measured on its reference path: the lines a learner changes to go
    from the starter to the solution, and the checks that grade them."""
    rows = ["| lesson | part | lines changed, starter to solution | checks |", "|---|---|---|---|"]
    for lesson in sorted(lessons.values(), key=lambda item: item.number):
        starter = lesson_files.read_texts(starter_folder(lesson), beside=lesson_files.LESSON_TEXT)
        solution = lesson_files.read_texts(lesson.solution_dir)
        changed = sum(
            1
            for path in starter.keys() | solution.keys()
            for line in difflib.unified_diff(
                starter.get(path, "").splitlines(), solution.get(path, "").splitlines(), n=0
            )
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        )
        checks = len(lesson_checks(lesson, []))
        title = f"[{lesson.number} · {lesson.title}]({link(lesson_page_path(lesson))})"
        rows.append(f"| {title} | {lesson.part} | {changed} | {checks} |")
    return "\n".join(rows)


def one_argument(args: list[str]) -> str:
    if len(args) != 1:
        raise MarkerError("takes exactly one argument")
    return args[0]


MARKER_HANDLERS: dict[str, Callable[[list[str], dict[str, Lesson], Linker, Path], str]] = {
    "lesson": lesson_marker,
    "rule": rule_marker,
    "check": check_marker,
    "notebook": notebook_marker,
    "portable": portable_marker,
    "sizes": sizes_marker,
}


# --- Markdown helpers ------------------------------------------------------------------------


def walk_lines(markdown: str) -> Iterator[tuple[str, bool]]:
    """Each line, and whether it sits inside a fenced code block."""
    fence = ""
    for line in markdown.splitlines():
        match = FENCE.match(line)
        if match and not fence:
            fence = match["fence"]
            yield line, True
        elif (
            match
            and fence
            and match["fence"].startswith(fence)
            and not line.strip()[len(match["fence"]) :].strip()
        ):
            fence = ""
            yield line, True
        else:
            yield line, bool(fence)


def fenced(text: str, language: str, *, title: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    attributes = f' title="{title}"' if title else ""
    return f"{fence}{language}{attributes}\n{text.rstrip()}\n{fence}"


def tab(title: str, body: str) -> str:
    return f'=== "{quoted(title)}"\n\n{indent(body)}'


def indent(text: str) -> str:
    return "\n".join("    " + line if line.strip() else "" for line in text.splitlines())


def quoted(text: str) -> str:
    return text.replace('"', "'")


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def joined(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


# --- writing the pages to disk ---------------------------------------------------------------


def write(kit_root: Path, out: Path) -> Site:
    """Write the whole docs folder (hand-written pages expanded, generated pages) to `out`."""
    site = generate(kit_root)
    if out.exists():
        shutil.rmtree(out)
    docs_dir = kit_root / DOCS_DIR
    for source in sorted(docs_dir.rglob("*")) if docs_dir.is_dir() else []:
        if not source.is_file():
            continue
        relative = source.relative_to(docs_dir).as_posix()
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix != ".md":
            shutil.copyfile(source, target)
            continue
        text, problems = expand_markers(source.read_text(encoding="utf-8"), kit_root, relative)
        site.problems += problems
        target.write_text(text, encoding="utf-8")
    for page in site.pages:
        target = out / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(page.content, bytes):
            target.write_bytes(page.content)
        else:
            target.write_text(page.content, encoding="utf-8")
    (out / "nav.yml").write_text("nav:\n" + nav_yaml(site.nav, 1), encoding="utf-8")
    return site


def nav_yaml(items: Sequence[Any], depth: int) -> str:
    """The nav as YAML (every string JSON-quoted, which YAML reads as-is)."""
    pad = "  " * depth
    lines = []
    for item in items:
        if isinstance(item, str):
            lines.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}\n")
            continue
        for title, value in item.items():
            key = json.dumps(title, ensure_ascii=False)
            if isinstance(value, str):
                lines.append(f"{pad}- {key}: {json.dumps(value, ensure_ascii=False)}\n")
            else:
                lines.append(f"{pad}- {key}:\n{nav_yaml(value, depth + 1)}")
    return "".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workbook.site",
        description="Write the docs site's Markdown (hand-written and generated pages) to disk.",
    )
    parser.add_argument("--out", type=Path, default=None, help=f"default: {DEFAULT_OUT}")
    arguments = parser.parse_args(argv)
    kit_root = find_kit_root()
    out = arguments.out or kit_root / DEFAULT_OUT
    site = write(kit_root, out)
    for problem in site.problems:
        sys.stderr.write(f"warning: {problem}\n")
    sys.stdout.write(f"wrote {len(site.pages)} generated pages and nav.yml to {out}\n")
    return 1 if site.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
