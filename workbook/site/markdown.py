"""Markdown helpers shared by the generated pages: fences, tabs, table cells, code-aware lines."""

import re
from collections.abc import Iterator

_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")


def walk_lines(markdown: str) -> Iterator[tuple[str, bool]]:
    """Each line, and whether it sits inside a fenced code block."""
    fence = ""
    for line in markdown.splitlines():
        match = _FENCE.match(line)
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
