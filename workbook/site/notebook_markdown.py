"""Stored notebooks (`notebooks/*.ipynb`) as Markdown: their text, code and saved outputs."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbook.site.markdown import fenced, joined, walk_lines

NOTEBOOKS_DIR = "notebooks"

_ATX_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?=\s)")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def notebook_file(kit_root: Path, name: str) -> Path:
    return kit_root / NOTEBOOKS_DIR / f"{name}.ipynb"


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
            blocks.append(_demote_headings(source, heading_offset))
        elif cell_data.get("cell_type") == "code" and source.strip():
            blocks.append(fenced(source, "python"))
            blocks += [_render_output(output) for output in _merged_streams(cell_data)]
    return "\n\n".join(block for block in blocks if block)


def _merged_streams(cell_data: dict[str, Any]) -> Iterator[dict[str, Any]]:
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


def _render_output(output: dict[str, Any]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return fenced(output["text"], "text", title=str(output.get("name", "output")))
    if kind == "error":
        trace = "\n".join(_ANSI.sub("", line) for line in output.get("traceback", []))
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


def _demote_headings(markdown: str, offset: int) -> str:
    if offset <= 0:
        return markdown
    lines = []
    for line, in_fence in walk_lines(markdown):
        match = None if in_fence else _ATX_HEADING.match(line)
        if match is None:
            lines.append(line)
            continue
        level = min(len(match["hashes"]) + offset, 6)
        lines.append("#" * level + line[len(match["hashes"]) :])
    return "\n".join(lines)
