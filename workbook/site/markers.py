"""Markers in hand-written pages, expanded on every build.

`{{ lesson 07 }}`, `{{ rule 01.2 }}`, `{{ check 01 an_unknown_field_is_refused }}` (links that
say "to come" while the lesson does not exist yet), and, each on a line of its own,
`{{ notebook evidence_serialization }}` (the stored notebook with its outputs),
`{{ portable }}` (every portable check) and `{{ sizes }}` (each lesson's size).
"""

import difflib
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from workbook import files as lesson_files
from workbook.lessons import Lesson
from workbook.links import lesson_page_path
from workbook.site.kit import find_lessons, from_sources, lesson_checks, starter_folder
from workbook.site.markdown import walk_lines
from workbook.site.notebook_markdown import notebook_file, render_notebook

_MARKER = re.compile(
    r"\{\{\s*(?P<kind>lesson|rule|check|notebook|portable|sizes)\s+(?P<args>[^{}]*?)\s*\}\}"
)
_BLOCK_MARKERS = frozenset({"notebook", "portable", "sizes"})  # each stands on a line of its own
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


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
            if kind in _BLOCK_MARKERS:
                raise _MarkerError(f"a {kind} marker stands on a line of its own")
            return _MARKER_HANDLERS[kind](args, lessons, link, kit_root)
        except _MarkerError as error:
            problems.append(f"{page_path}: {match[0]}: {error}")
            return match[0]

    lines = []
    for line, in_fence in walk_lines(markdown):
        whole = None if in_fence else _MARKER.fullmatch(line.strip())
        if whole is not None and whole["kind"] in _BLOCK_MARKERS:
            try:
                handler = _MARKER_HANDLERS[whole["kind"]]
                rendered = handler(whole["args"].split(), lessons, link, kit_root)
            except _MarkerError as error:
                problems.append(f"{page_path}: {whole[0]}: {error}")
                rendered = line.strip()
            prefix = line[: len(line) - len(line.lstrip())]
            lines += [prefix + part if part else "" for part in rendered.splitlines()]
        elif in_fence:
            lines.append(line)
        else:
            lines.append(_outside_code_spans(line, lambda text: _MARKER.sub(replace, text)))
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else ""), problems


def _outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the parts of a line that are not inline code."""
    parts, position = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts += [change(line[position : span.start()]), span[0]]
        position = span.end()
    parts.append(change(line[position:]))
    return "".join(parts)


class _MarkerError(ValueError):
    """A marker in a hand-written page names something that does not exist."""


_Linker = Callable[[str], str]


def _lesson_marker(args: list[str], lessons: dict[str, Lesson], link: _Linker, _: Path) -> str:
    number = _one_argument(args)
    lesson = lessons.get(number)
    if lesson is None:
        return f"lesson {number} (to come)"
    return f"[lesson {number} · {lesson.title}]({link(lesson_page_path(lesson))})"


def _rule_marker(args: list[str], lessons: dict[str, Lesson], link: _Linker, _: Path) -> str:
    rule_id = _one_argument(args)
    lesson = lessons.get(rule_id.split(".")[0])
    if lesson is None:
        return f"rule {rule_id} (lesson to come)"
    try:
        rule = lesson.rule(rule_id)
    except KeyError as error:
        raise _MarkerError(str(error)) from None
    return f"[rule {rule.id} · {rule.title}]({link(lesson_page_path(lesson))}#{rule.anchor})"


def _check_marker(args: list[str], lessons: dict[str, Lesson], link: _Linker, _: Path) -> str:
    if len(args) != 2:
        raise _MarkerError("write {{ check NN check_name }}")
    number, name = args
    lesson = lessons.get(number)
    if lesson is None:
        return f"`{name}` (lesson {number}, to come)"
    problems: list[str] = []
    specs = {spec.name: spec for spec in lesson_checks(lesson, problems)}
    if name not in specs:
        raise _MarkerError(f"lesson {number} has no check {name!r}")
    return f"[`{name}`]({link(lesson_page_path(lesson))}#checks) (lesson {number})"


def _notebook_marker(args: list[str], _: dict[str, Lesson], __: _Linker, kit_root: Path) -> str:
    name = _one_argument(args)
    path = notebook_file(kit_root, name)
    if not path.is_file():
        raise _MarkerError(
            f"no stored notebook {path.name}: run python -m workbook.notebook_build build"
        )
    return render_notebook(path, heading_offset=2)


def _portable_marker(args: list[str], lessons: dict[str, Lesson], link: _Linker, _: Path) -> str:
    """A table of every portable check (what `workbook audit` runs), from the checks themselves."""
    rows = ["| rule | what the audit proves on your app |", "|---|---|"]
    for lesson in sorted(lessons.values(), key=lambda item: item.number):
        for spec in lesson_checks(lesson, []):
            if spec.portable:
                rule = lesson.rule(spec.rule)
                target = f"{link(lesson_page_path(lesson))}#{rule.anchor}"
                rows.append(f"| [{rule.id} · {rule.title}]({target}) | {spec.title} |")
    return "\n".join(rows)


def _sizes_marker(args: list[str], lessons: dict[str, Lesson], link: _Linker, _: Path) -> str:
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


def _one_argument(args: list[str]) -> str:
    if len(args) != 1:
        raise _MarkerError("takes exactly one argument")
    return args[0]


_MARKER_HANDLERS: dict[str, Callable[[list[str], dict[str, Lesson], _Linker, Path], str]] = {
    "lesson": _lesson_marker,
    "rule": _rule_marker,
    "check": _check_marker,
    "notebook": _notebook_marker,
    "portable": _portable_marker,
    "sizes": _sizes_marker,
}
