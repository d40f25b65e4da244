"""Writing the docs folder to disk: `python -m workbook.site [--out DIR]`.

Hand-written pages with their markers expanded, every generated page, and the navigation as
`nav.yml`, so another generator can be pointed at the result.
"""

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbook.lessons import find_kit_root
from workbook.site.kit import DOCS_DIR
from workbook.site.markers import expand_markers
from workbook.site.pages import Site, generate

DEFAULT_OUT = Path(".workbook") / "docs"


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
    (out / "nav.yml").write_text("nav:\n" + _nav_yaml(site.nav, 1), encoding="utf-8")
    return site


def _nav_yaml(items: Sequence[Any], depth: int) -> str:
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
                lines.append(f"{pad}- {key}:\n{_nav_yaml(value, depth + 1)}")
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
