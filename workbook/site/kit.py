"""What the pages read from the kit: its lessons, their checks and starters, and the content
data kept beside the content (the seeds' titles in `docs/sources.md`, the hint tiers in
`lessons/hints.toml`)."""

import re
import sys
import tomllib
from pathlib import Path

from workbook import pristine, snippets
from workbook.harness import CheckSpec, load_checks
from workbook.lessons import Lesson, MetadataError, lesson_dirs, load_lesson

DOCS_DIR = "docs"
SOURCES_PAGE = "sources.md"  # the table of the source guidelines (the seeds), one row each
HINT_TIERS_FILE = Path("lessons") / "hints.toml"

_SEED_ROW = re.compile(r"^\|\s*(?P<seed>\d{3})\s*\|\s*(?P<title>[^|]+?)\s*\|", re.MULTILINE)


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


def starter_folder(lesson: Lesson) -> Path:
    """The starter as shipped, never a learner's edits (see `workbook.pristine`)."""
    try:
        return pristine.find(lesson)
    except pristine.PristineNotFound:
        return lesson.lesson_dir


def from_sources(markdown: str, kit_root: Path, problems: list[str]) -> str:
    """Code blocks that name their source (`<!-- source: … -->`), rendered from it."""
    try:
        return snippets.render(markdown, kit_root)
    except snippets.SnippetError as error:
        problems.append(str(error))
        return markdown


def seeds(kit_root: Path) -> dict[str, str]:
    """Each source guideline's number and title, from the table in `docs/sources.md`."""
    page = kit_root / DOCS_DIR / SOURCES_PAGE
    if not page.is_file():
        return {}
    text = page.read_text(encoding="utf-8")
    return {match["seed"]: match["title"] for match in _SEED_ROW.finditer(text)}


def hint_tiers(kit_root: Path) -> tuple[str, ...]:
    """What hint 1, 2, 3 … of a lesson give, from `lessons/hints.toml` (none without it)."""
    path = kit_root / HINT_TIERS_FILE
    if not path.is_file():
        return ()
    with path.open("rb") as file:
        return tuple(str(tier) for tier in tomllib.load(file).get("tiers", []))
