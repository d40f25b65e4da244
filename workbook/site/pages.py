"""The whole site: every generated page, the lessons overview, the rule index and the nav."""

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook.lessons import PARTS, Lesson
from workbook.links import lesson_page_path
from workbook.site.kit import DOCS_DIR, find_lessons, seeds
from workbook.site.lesson_page import lesson_page
from workbook.site.markdown import cell
from workbook.site.notebook_markdown import NOTEBOOKS_DIR, notebook_file

LESSONS_INDEX = "lessons/index.md"
RULE_INDEX = "rules.md"

# The hand-written pages, in the order the navigation shows them around the lessons.
_PAGES_BEFORE_LESSONS = (("Home", "index.md"), ("Getting started", "getting-started.md"))
_PAGES_AFTER_LESSONS = (
    ("Rule index", RULE_INDEX),
    ("Where the guidelines disagree", "disagreements.md"),
    ("The source guidelines", "sources.md"),
    ("Audit your own service", "audit.md"),
    ("Run a team session", "facilitator.md"),
    ("Contributing", "contributing.md"),
)


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
    site.pages.append(Page(LESSONS_INDEX, _lessons_index_page(lessons)))
    site.pages.append(Page(RULE_INDEX, _rule_index_page(lessons, seeds(kit_root))))
    site.pages += _evidence_notebook_copies(kit_root, lessons)
    site.nav = _navigation(lessons, docs_dir=kit_root / DOCS_DIR)
    return site


def _navigation(lessons: Sequence[Lesson], *, docs_dir: Path) -> list[Any]:
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
        *existing(_PAGES_BEFORE_LESSONS),
        {"Lessons": lessons_section},
        *existing(_PAGES_AFTER_LESSONS),
    ]


def _evidence_notebook_copies(kit_root: Path, lessons: Sequence[Lesson]) -> list[Page]:
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


def _lessons_index_page(lessons: Sequence[Lesson]) -> str:
    here = posixpath.dirname(LESSONS_INDEX)
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
        for lesson in members:
            page = posixpath.relpath(lesson_page_path(lesson), here)
            rules = ", ".join(f"[{rule.id}]({page}#{rule.anchor})" for rule in lesson.rules)
            lines.append(
                f"| [{lesson.number} · {cell(lesson.title)}]({page}) | {rules} | "
                f"{', '.join(lesson.seeds)} |"
            )
    return "\n".join(lines) + "\n"


def _rule_index_page(lessons: Sequence[Lesson], seed_titles: dict[str, str]) -> str:
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
    lines += [f"- **{seed}**: {title}" for seed, title in seed_titles.items()]
    return "\n".join(lines) + "\n"
