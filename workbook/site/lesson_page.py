"""One lesson's page: its README with rule anchors and hints, then its code, checks, known-wrong
variants and notebook, all computed from the lesson's own files."""

import difflib
import posixpath
from collections.abc import Sequence

from workbook import files as lesson_files
from workbook.harness import CheckSpec
from workbook.lessons import PARTS, RULE_HEADING, Lesson, Rule, rule_anchor
from workbook.links import lesson_page_path
from workbook.site.kit import find_lessons, from_sources, hint_tiers, lesson_checks, starter_folder
from workbook.site.markdown import cell, fenced, indent, quoted, tab, walk_lines
from workbook.site.notebook_markdown import NOTEBOOKS_DIR, notebook_file, render_notebook
from workbook.targets import WrongVariant, wrong_variants

_CODE_LANGUAGES = {".py": "python", ".ini": "ini", ".toml": "toml", ".md": "markdown"}


def lesson_page(lesson: Lesson, problems: list[str]) -> str:
    """The lesson's README, given rule anchors and hints, then its code, checks and notebook."""
    specs = lesson_checks(lesson, problems)
    readme = from_sources(
        (lesson.lesson_dir / "README.md").read_text(encoding="utf-8"), lesson.kit_root, problems
    )
    text = _anchor_rules(readme, lesson, specs)
    text = _insert_after_title(text, _lesson_summary(lesson))
    text = _add_hints(text, lesson)
    sections = [
        text.rstrip(),
        _code_section(lesson),
        _checks_section(lesson, specs),
        _wrong_variants_section(lesson, problems),
        _notebook_section(lesson),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _lesson_summary(lesson: Lesson) -> str:
    prerequisites = ", ".join(
        f"[{number}]({_lesson_link(lesson, number)})" for number in lesson.prerequisites
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


def _lesson_link(lesson: Lesson, number: str) -> str:
    """A link from this lesson's page to another lesson's page."""
    here = posixpath.dirname(lesson_page_path(lesson))
    for other in find_lessons(lesson.kit_root):
        if other.number == number:
            return posixpath.relpath(lesson_page_path(other), here)
    return "index.md"


def _anchor_rules(readme: str, lesson: Lesson, specs: Sequence[CheckSpec]) -> str:
    """Give each `### NN.K Title` heading the id `rule-NN-K` and a line naming its checks."""
    rules = {rule.id: rule for rule in lesson.rules}
    lines: list[str] = []
    for line, in_fence in walk_lines(readme):
        match = None if in_fence else RULE_HEADING.match(line)
        rule = rules.get(match["id"]) if match else None
        if match is None or rule is None:
            lines.append(line)
            continue
        lines += [f"{line.rstrip()} {{ #{rule.anchor} }}", "", _rule_facts(rule, specs)]
    return "\n".join(lines)


def _rule_facts(rule: Rule, specs: Sequence[CheckSpec]) -> str:
    """One small line under a rule's heading: its seeds, its checks, how to cite it."""
    names = [spec.name for spec in specs if spec.rule == rule.id]
    checked_by = ", ".join(f"`{name}`" for name in names) or "no check yet"
    return (
        f"Seeds {', '.join(rule.seeds)} · checked by {checked_by} · "
        f"`workbook cite {rule.id}`\n{{ .rule-facts }}"
    )


def _insert_after_title(text: str, addition: str) -> str:
    """Put `addition` right below the page's first `# ` heading (or on top when there is none)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("# "):
            return "\n".join([*lines[: index + 1], "", addition, *lines[index + 1 :]])
    return addition + "\n\n" + text


def _add_hints(text: str, lesson: Lesson) -> str:
    """Append the tiered hints, collapsed, to the README's `## Hints` section (or add one)."""
    tiers = hint_tiers(lesson.kit_root)
    hints = "\n\n".join(
        _hint_block(level, hint, tiers) for level, hint in enumerate(lesson.hints, 1)
    )
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "## Hints"), None)
    if start is None:
        return f"{text.rstrip()}\n\n## Hints\n\n{hints}\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    section = "\n".join(lines[start:end]).rstrip()
    rest = "\n".join(lines[end:])
    return "\n".join(lines[:start]) + f"\n{section}\n\n{hints}\n\n{rest}"


def _hint_block(level: int, hint: str, tiers: Sequence[str]) -> str:
    tier = f": {tiers[level - 1]}" if level <= len(tiers) else ""
    return f'??? tip "Hint {level}{tier}"\n\n{indent(hint)}'


def _code_section(lesson: Lesson) -> str:
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
        language = _code_language(path)
        tabs = [
            ("Diff", "diff", _unified_diff(starter.get(path), solution.get(path), path)),
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


def _code_language(path: str) -> str:
    return _CODE_LANGUAGES.get(posixpath.splitext(path)[1], "text")


def _unified_diff(
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


def _checks_section(lesson: Lesson, specs: Sequence[CheckSpec]) -> str:
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


def _wrong_variants_section(lesson: Lesson, problems: list[str]) -> str:
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
    blocks += [_variant_block(variant, solution) for variant in variants]
    return "\n\n".join(blocks)


def _variant_block(variant: WrongVariant, solution: dict[str, str]) -> str:
    caught_by = ", ".join(f"`{name}`" for name in variant.caught_by)
    overlay = lesson_files.read_texts(variant.overlay_dir, beside=lesson_files.VARIANT_META)
    diffs = "\n\n".join(
        fenced(_unified_diff(solution.get(path), text, path, ("solution", variant.name)), "diff")
        for path, text in sorted(overlay.items())
    )
    return (
        f'??? failure "{variant.name}: {quoted(variant.mistake)}"\n\n'
        f"{indent(f'Caught by {caught_by}.')}\n\n{indent(diffs)}"
    )


def _notebook_section(lesson: Lesson) -> str:
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
