"""Where a rule is read: the published docs site, and the lesson's own file on disk.

The site's address is one setting, read in this order:
1. the `WORKBOOK_SITE_URL` environment variable;
2. `site_url` in mkdocs.yml (a literal, or the default of its `!ENV [WORKBOOK_SITE_URL, ...]`);
3. the GitHub Pages address of the clone's `origin`, when it is a GitHub repository (the docs
   workflow publishes there);
4. none: failures then point at the lesson's README on disk only.
`workbook cite`, every failure's `docs:` line and the site itself (mkdocs.yml) read it.
"""

import os
import re
import subprocess
from functools import cache
from pathlib import Path

from workbook.lessons import Lesson, Rule

SITE_URL_VARIABLE = "WORKBOOK_SITE_URL"
_MKDOCS_SITE_URL = re.compile(
    r"^site_url:\s*(?:!ENV\s*\[\s*\w+\s*,\s*)?['\"]?(?P<url>[^'\"\s#\]]*)", re.MULTILINE
)
_GITHUB_REMOTE = re.compile(
    r"github\.com[:/](?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$"
)


def site_url(kit_root: Path) -> str | None:
    """The docs site's address with a trailing slash, or None when none is known."""
    url = os.environ.get(SITE_URL_VARIABLE) or _configured(kit_root) or _github_pages(kit_root)
    if not url:
        return None
    return url if url.endswith("/") else url + "/"


@cache
def _configured(kit_root: Path) -> str:
    try:
        text = (kit_root / "mkdocs.yml").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    match = _MKDOCS_SITE_URL.search(text)
    return match["url"] if match else ""


@cache
def _github_pages(kit_root: Path) -> str:
    try:
        remote = subprocess.run(
            ["git", "remote", "get-url", "origin"],
            cwd=kit_root,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    match = _GITHUB_REMOTE.search(remote)
    if match is None:
        return ""
    return f"https://{match['owner'].lower()}.github.io/{match['repo']}/"


def lesson_page_path(lesson: Lesson) -> str:
    """The lesson's page in the docs folder; the site publishes it at `lesson_url`."""
    return f"lessons/{lesson.name}.md"


def lesson_url(lesson: Lesson, root: str | None = None) -> str | None:
    base = root if root is not None else site_url(lesson.kit_root)
    return f"{base}{lesson_page_path(lesson).removesuffix('.md')}/" if base else None


def rule_url(lesson: Lesson, rule: Rule, root: str | None = None) -> str | None:
    page = lesson_url(lesson, root)
    return f"{page}#{rule.anchor}" if page else None


def rule_file(lesson: Lesson, rule: Rule) -> str:
    """The rule's text on disk: the lesson's README and the rule's heading, for offline reading."""
    return f"lessons/{lesson.name}/README.md, heading \"{rule.id} {rule.title}\""


def github_heading_anchor(heading: str) -> str:
    """The anchor a code host gives a Markdown heading (`09.2 Give …` -> `092-give-…`)."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def citation(lesson: Lesson, rule: Rule) -> str:
    """A Markdown link a reviewer pastes into a pull request."""
    url = rule_url(lesson, rule)
    if url is None:
        anchor = github_heading_anchor(f"{rule.id} {rule.title}")
        url = f"lessons/{lesson.name}/README.md#{anchor}"
    return f"[lesson {lesson.number}, rule {rule.id}: {rule.title}]({url})"
