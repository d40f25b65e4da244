"""Code in prose comes from tested files, so it cannot drift.

A lesson's README (or a docs page) that shows solution code names its source on the line right
before the fence, and stays readable as plain Markdown on a code host:

    <!-- source: solutions/04_lifespan/app/main.py::lifespan -->
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        ...
    ```

`::name` is a top-level function, class or assignment, or `Class.method`, with its
decorators; `::a+b` shows several, one blank line apart; without `::`, the whole file. The
self-test fails when a block and its source disagree; the docs site renders the block from
the source.
"""

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

SOURCE_COMMENT = re.compile(
    r"^<!--\s*source:\s*(?P<path>[^\s:]+)(?:::(?P<symbol>[\w.+]+))?\s*-->\s*$"
)
FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<language>[\w+-]*)\s*$")


@dataclass(frozen=True)
class Snippet:
    path: str  # relative to the kit's root
    symbol: str  # "" for the whole file
    code: str  # the block's text, as written in the prose
    line: int  # where the comment stands (1-based)
    fence_start: int  # 0-based index of the opening fence's line
    fence_end: int  # 0-based index of the closing fence's line

    @property
    def reference(self) -> str:
        return f"{self.path}::{self.symbol}" if self.symbol else self.path


class SnippetError(ValueError):
    """A source comment that names nothing, or is not followed by a code block."""


def find(markdown: str) -> list[Snippet]:
    lines = markdown.splitlines()
    snippets = []
    fence = ""  # inside a fenced block, a comment is an example of one, not a reference
    for index, line in enumerate(lines):
        opening = FENCE_OPEN.match(line.strip()) or re.match(r"^(`{3,}|~{3,})", line.strip())
        if opening is not None and (not fence or line.strip().startswith(fence)):
            marker = re.match(r"^(`{3,}|~{3,})", line.strip())
            fence = "" if fence else (marker.group(1) if marker else "")
            continue
        if fence:
            continue
        comment = SOURCE_COMMENT.match(line.strip())
        if comment is None:
            continue
        opening = FENCE_OPEN.match(lines[index + 1].strip()) if index + 1 < len(lines) else None
        if opening is None:
            raise SnippetError(f"line {index + 1}: a source comment stands right before a fence")
        closing = opening["fence"]
        end = next(
            (i for i in range(index + 2, len(lines)) if lines[i].strip().startswith(closing)),
            None,
        )
        if end is None:
            raise SnippetError(f"line {index + 1}: the code block is never closed")
        snippets.append(
            Snippet(
                path=comment["path"],
                symbol=comment["symbol"] or "",
                code="\n".join(lines[index + 2 : end]),
                line=index + 1,
                fence_start=index + 1,
                fence_end=end,
            )
        )
    return snippets


def source_code(kit_root: Path, path: str, symbol: str) -> str:
    """The named code, dedented, without a trailing newline."""
    file = kit_root / path
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnippetError(f"{path} does not exist") from None
    if not symbol:
        return text.rstrip("\n")
    tree = ast.parse(text)
    parts = []
    for name in symbol.split("+"):
        node = _find_symbol(tree, name.split("."))
        if node is None:
            raise SnippetError(f"{path} has no {name}")
        decorators = getattr(node, "decorator_list", [])
        start = min([node.lineno, *(decorator.lineno for decorator in decorators)])
        end = node.end_lineno or node.lineno
        parts.append(textwrap.dedent("\n".join(text.splitlines()[start - 1 : end])))
    return "\n\n".join(parts)


def render(markdown: str, kit_root: Path) -> str:
    """The prose with every named block replaced by its source's current text."""
    lines = markdown.splitlines()
    for snippet in reversed(find(markdown)):
        code = source_code(kit_root, snippet.path, snippet.symbol).splitlines()
        lines[snippet.fence_start + 1 : snippet.fence_end] = code
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")


def stale(markdown: str, kit_root: Path) -> list[str]:
    """What disagrees with its source, one line per block."""
    problems = []
    for snippet in find(markdown):
        try:
            expected = source_code(kit_root, snippet.path, snippet.symbol)
        except SnippetError as error:
            problems.append(f"line {snippet.line}: {error}")
            continue
        if textwrap.dedent(snippet.code).rstrip("\n") != expected:  # a method may keep its indent
            problems.append(f"line {snippet.line}: the block differs from {snippet.reference}")
    return problems


Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _find_symbol(tree: ast.Module | ast.ClassDef, names: list[str]) -> ast.stmt | None:
    first, *rest = names
    for node in tree.body:
        if isinstance(node, Definition) and node.name == first:
            if not rest:
                return node
            return _find_symbol(node, rest) if isinstance(node, ast.ClassDef) else None
        if not rest and first in _assigned_names(node):
            return node
    return None


def _assigned_names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.Assign):
        return {target.id for target in node.targets if isinstance(target, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()
