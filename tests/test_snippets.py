"""Code shown in the lessons' text and the docs pages is the code of the tested files."""

from pathlib import Path

import pytest

from workbook import snippets
from workbook.lessons import find_kit_root, lesson_dirs

KIT_ROOT = find_kit_root(Path(__file__).parent)
PROSE = [folder / "README.md" for folder in lesson_dirs(KIT_ROOT)] + sorted(
    (KIT_ROOT / "docs").glob("*.md")
)


@pytest.mark.parametrize("page", PROSE, ids=[str(p.relative_to(KIT_ROOT)) for p in PROSE])
def test_every_named_block_equals_its_source(page: Path) -> None:
    problems = snippets.stale(page.read_text(encoding="utf-8"), KIT_ROOT)
    assert not problems, (
        f"{page.relative_to(KIT_ROOT)}: " + "; ".join(problems)
        + " (copy the source into the block, or change the source)"
    )


def test_solution_code_in_a_lesson_names_its_source() -> None:
    """A block that repeats three or more lines of its lesson's solution must say where from."""
    unnamed = []
    for folder in lesson_dirs(KIT_ROOT):
        readme = (folder / "README.md").read_text(encoding="utf-8")
        named = {snippet.fence_start for snippet in snippets.find(readme)}
        solution_lines = {
            line.strip()
            for path in (KIT_ROOT / "solutions" / folder.name).rglob("*.py")
            for line in path.read_text(encoding="utf-8").splitlines()
            if len(line.strip()) > 20
        }
        for start, block in python_blocks(readme):
            copied = [line for line in block if line.strip() in solution_lines]
            if start not in named and len(copied) >= 3:
                unnamed.append(f"{folder.name}/README.md line {start + 1}")
    assert not unnamed, "blocks copied from a solution without a source comment: " + ", ".join(
        unnamed
    )


def python_blocks(markdown: str) -> list[tuple[int, list[str]]]:
    lines = markdown.splitlines()
    blocks, start = [], None
    for index, line in enumerate(lines):
        if line.strip().startswith("```python") and start is None:
            start = index
        elif line.strip().startswith("```") and start is not None:
            blocks.append((start, lines[start + 1 : index]))
            start = None
    return blocks


def test_a_named_block_is_rendered_from_its_source(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(
        "import x\n\n\nclass Thing:\n    @property\n    def size(self) -> int:\n        return 2\n"
    )
    prose = "Text.\n\n<!-- source: mod.py::Thing.size -->\n```python\nold\n```\n"
    assert snippets.stale(prose, tmp_path) == [
        "line 3: the block differs from mod.py::Thing.size"
    ]
    rendered = snippets.render(prose, tmp_path)
    assert "@property\ndef size(self) -> int:\n    return 2\n```" in rendered
    assert snippets.stale(rendered, tmp_path) == []
