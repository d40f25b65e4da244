"""MkDocs hooks (mkdocs.yml `hooks:`): the generated pages, without a plugin.

`mkdocs build` and `mkdocs serve` call these; all the work is in `workbook.site`, which also
writes the same Markdown to disk (`python -m workbook.site`).
"""

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from workbook import site

log = logging.getLogger("mkdocs.plugins.workbook")

_state: dict[str, Any] = {}


def kit_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    generated = site.generate(kit_root(config))
    _state["site"] = generated
    config.nav = generated.nav
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    generated: site.Site = _state["site"]
    for page in generated.pages:
        files.append(File.generated(config, page.path, content=page.content))
    for problem in generated.problems:
        log.warning(problem)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    text, problems = site.expand_markers(markdown, kit_root(config), page.file.src_uri)
    for problem in problems:
        log.warning(problem)
    return text
