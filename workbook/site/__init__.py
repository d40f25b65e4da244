"""The docs site, generated from the lessons' own sources.

Each lesson page, the lessons overview, the rule index and the navigation are built from
`lessons/`, `solutions/`, `checks/` and `notebooks/` when the site is built, so nothing is
written twice and a new lesson appears without editing a central file. The output is plain
Markdown using only admonitions, tabs, details and attribute lists, so the same pages can feed
another generator (Zensical) with little work.

    python -m workbook.site --out .workbook/docs   # write every page and the nav to disk

`mkdocs build` and `mkdocs serve` run the same code through `workbook/mkdocs_hooks.py`.

The modules, one job each:
- `pages`: the whole site (`generate`): the lessons overview, the rule index, the navigation;
- `lesson_page`: one lesson's page, from its README, code, checks, variants and notebook;
- `notebook_markdown`: a stored notebook, with its outputs, as Markdown;
- `markers`: `{{ lesson 07 }}` and the other markers of hand-written pages (`expand_markers`);
- `markdown`: small Markdown helpers (fences, tabs, table cells, code-aware lines);
- `kit`: what the pages read from the kit (lessons, checks, starters, seeds, hint tiers);
- `writer`: the docs folder written to disk, and the command line (`python -m workbook.site`).
"""

from workbook.links import lesson_page_path
from workbook.site.markers import expand_markers
from workbook.site.notebook_markdown import notebook_file
from workbook.site.pages import Page, Site, generate
from workbook.site.writer import main, write

__all__ = [
    "Page",
    "Site",
    "expand_markers",
    "generate",
    "lesson_page_path",
    "main",
    "notebook_file",
    "write",
]
