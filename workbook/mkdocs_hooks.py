"""MkDocs hooks (mkdocs.yml `hooks:`): the generated pages and the navigation, without a plugin.

`mkdocs build` and `mkdocs serve` call these; all the work is in `workbook.site`, which also
writes the same Markdown to disk (`python -m workbook.site`).
"""

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from workbook import site

log = logging.getLogger("mkdocs.plugins.workbook")


def kit_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page, and set the navigation (MkDocs reads it right after this)."""
    generated = site.generate(kit_root(config))
    for page in generated.pages:
        files.append(File.generated(config, page.path, content=page.content))
    config.nav = generated.nav
    for problem in generated.problems:
        log.warning(problem)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Expand the markers of hand-written pages (`{{ rule 01.3 }}`, `{{ notebook x }}`)."""
    text, problems = site.expand_markers(markdown, kit_root(config), page.file.src_uri)
    for problem in problems:
        log.warning(problem)
    return text
