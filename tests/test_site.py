"""The docs site: generated from the lessons, built with --strict, read in a real browser.

- every lesson gets a page, in the navigation under its part, in lesson order, with each rule
  under the anchor `workbook cite` links to; a lesson added later appears with no other edit;
- `mkdocs build --strict` passes with no warning;
- headless Chromium opens the home page and a lesson page (its code and its notebook
  rendered), and the site's search finds a lesson by a rule id. A screenshot of the lesson
  page is kept in `.workbook/screenshots/`.

Needs the dev group (mkdocs); the browser tests need Debian's `chromium` and are skipped
without it (`apt-get install -y chromium`).
"""

import base64
import contextlib
import fcntl
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from workbook import site
from workbook.lessons import PARTS, find_kit_root, loadable_lessons
from workbook.report import rule_url

PUBLISHED = "https://team.github.io/fastapi-workbook/"

KIT_ROOT = find_kit_root(Path(__file__).parent)
LESSONS = tuple(loadable_lessons(KIT_ROOT))
SCREENSHOTS = KIT_ROOT / ".workbook" / "screenshots"
FIRST = LESSONS[0] if LESSONS else None
BUILD_TIMEOUT_SECONDS = 600
BROWSER_WAIT_SECONDS = 30.0

pytest.importorskip("mkdocs", reason="the docs site needs the dev group: ./setup.sh dev")


# --- generation, without building ------------------------------------------------------------


def nav_lesson_paths(nav: list[Any]) -> list[tuple[str, str]]:
    """(part title, page path) of every lesson page in the navigation, in order."""
    lessons_section = next(
        item["Lessons"] for item in nav if isinstance(item, dict) and "Lessons" in item
    )
    return [
        (part_title, path)
        for part in lessons_section
        if isinstance(part, dict)
        for part_title, members in part.items()
        for member in members
        for path in member.values()
    ]


def test_navigation_lists_every_lesson_in_order_grouped_by_part() -> None:
    generated = site.generate(KIT_ROOT)
    listed = nav_lesson_paths(generated.nav)
    expected = [
        (f"{letter} · {title}", site.lesson_page_path(lesson))
        for letter, title in PARTS.items()
        for lesson in LESSONS
        if lesson.part == letter
    ]
    assert listed == expected
    assert [path for _, path in listed] == sorted(path for _, path in listed)


def test_the_cite_link_points_at_the_generated_page_and_anchor() -> None:
    pages = {page.path: page.content for page in site.generate(KIT_ROOT).pages}
    for lesson in LESSONS:
        path = site.lesson_page_path(lesson)
        page = pages[path]
        assert isinstance(page, str)
        for rule in lesson.rules:
            url = rule_url(lesson, rule, PUBLISHED)
            assert url == f"{PUBLISHED}{path.removesuffix('.md')}/#{rule.anchor}"
            assert f"{{ #{rule.anchor} }}" in page, f"{rule.id} has no anchor on {path}"


def test_a_new_lesson_appears_with_no_other_edit(tmp_path: Path) -> None:
    write_demo_kit(tmp_path)
    generated = site.generate(tmp_path)
    assert nav_lesson_paths(generated.nav) == [
        ("E · Performance and integration", "lessons/99_demo-lesson.md")
    ]
    pages = {page.path: page.content for page in generated.pages}
    page = pages["lessons/99_demo-lesson.md"]
    assert isinstance(page, str)
    assert "### 99.1 Answer quickly { #rule-99-1 }" in page
    assert "`answers_quickly`" in page  # the checks table, read from checks.py
    assert "-    return {'slow': True}" in page  # the diff, computed from the files
    assert "+    return {'slow': False}" in page
    assert '??? tip "Hint 1: a nudge"' in page
    assert "[99.1](lessons/99_demo-lesson.md#rule-99-1)" in str(pages["rules.md"])
    assert generated.problems == []


def test_markers_link_existing_lessons_and_leave_code_alone() -> None:
    if FIRST is None:
        pytest.skip("no lesson yet")
    rule = FIRST.rules[0]
    text = (
        f"See {{{{ rule {rule.id} }}}} and {{{{ lesson 98 }}}}; "
        "write `{{ lesson 01 }}` to link.\n"
    )
    expanded, problems = site.expand_markers(text, KIT_ROOT, "disagreements.md")
    assert f"](lessons/{FIRST.name}.md#{rule.anchor})" in expanded
    assert "lesson 98 (to come)" in expanded
    assert "`{{ lesson 01 }}`" in expanded
    assert problems == []
    _, problems = site.expand_markers(
        f"{{{{ check {FIRST.number} no_such_check }}}}", KIT_ROOT, "index.md"
    )
    assert problems, "a check that does not exist is a build warning"


def test_python_m_workbook_site_writes_the_same_pages(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    written = site.write(KIT_ROOT, out)
    assert (out / "nav.yml").read_text(encoding="utf-8").startswith("nav:\n")
    assert (out / "index.md").is_file()
    for page in written.pages:
        assert (out / page.path).is_file()
    assert "{{ notebook" not in (out / "disagreements.md").read_text(encoding="utf-8")


def write_demo_kit(root: Path) -> None:
    """A kit with one made-up lesson, 99, in part E: only its own files, nothing central."""
    files = {
        "lessons/99_demo-lesson/lesson.toml": (
            'title = "Demo lesson"\npart = "E"\nseeds = ["004"]\n'
            'hints = ["a nudge", "the tool", "the answer"]\n\n'
            '[[rules]]\nid = "99.1"\ntitle = "Answer quickly"\nhint = "Be quick."\n'
            'seeds = ["004"]\n'
        ),
        "lessons/99_demo-lesson/README.md": (
            "# Lesson 99 · Demo\n\nWhy.\n\n## Rules\n\n### 99.1 Answer quickly\n\nText.\n\n"
            "## Hints\n\nStuck? `workbook hint 99`.\n"
        ),
        "lessons/99_demo-lesson/app/main.py": "def answer() -> dict:\n    return {'slow': True}\n",
        "solutions/99_demo-lesson/app/main.py": (
            "def answer() -> dict:\n    return {'slow': False}\n"
        ),
        "checks/99_demo-lesson/checks.py": (
            "from workbook.harness import Check, check\n\n\n"
            '@check("99.1")\nasync def answers_quickly(ctx: Check) -> None:\n'
            '    """It answers quickly."""\n'
        ),
    }
    # Kit-wide content the pages read, as every kit has it: the tiers that title the hints.
    files["lessons/hints.toml"] = (KIT_ROOT / "lessons" / "hints.toml").read_text(encoding="utf-8")
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "docs").mkdir()


# --- the built site --------------------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    site_dir: Path
    returncode: int
    log: str
    seconds: float


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    site_dir = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=KIT_ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    seconds = time.perf_counter() - started
    if not (site_dir / "index.html").is_file():
        pytest.fail(f"mkdocs build wrote no site:\n{result.stderr[-4000:]}")
    return Build(site_dir, result.returncode, result.stderr, seconds)


def test_the_site_builds_strictly_without_a_warning(built: Build) -> None:
    warnings = [line for line in built.log.splitlines() if line.startswith("WARNING")]
    assert not warnings, "\n".join(warnings)
    assert built.returncode == 0, built.log[-4000:]


def test_every_rule_anchor_exists_in_the_built_pages(built: Build) -> None:
    for lesson in LESSONS:
        html = (built.site_dir / "lessons" / lesson.name / "index.html").read_text("utf-8")
        missing = [rule.id for rule in lesson.rules if f'id="{rule.anchor}"' not in html]
        assert not missing, f"{lesson.name}: no anchor for rules {missing}"


def test_the_search_index_keeps_rule_ids_whole(built: Build) -> None:
    if FIRST is None:
        pytest.skip("no lesson yet")
    index = json.loads((built.site_dir / "search" / "search_index.json").read_text("utf-8"))
    rule = FIRST.rules[0]
    locations = {doc["location"] for doc in index["docs"] if doc["title"].startswith(rule.id)}
    assert f"lessons/{FIRST.name}/#{rule.anchor}" in locations
    assert "(?!\\d)" in index["config"]["separator"], "a dot before a digit must not split"


# --- in a real browser -----------------------------------------------------------------------


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium: apt-get install -y chromium (Debian's package)"
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1280,900",
)


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (no websocket needed).

    Chromium reads commands on fd 3 and writes replies on fd 4, each a JSON text ended by NUL.
    """

    def __init__(self, executable: str, user_data_dir: Path) -> None:
        command_read, command_write = os.pipe()
        reply_read, reply_write = os.pipe()
        # bash moves the browser's ends to fds 3 and 4: keep them clear of those numbers.
        command_read, reply_write = above_four(command_read), above_four(reply_write)
        arguments = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={user_data_dir}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        shell = " ".join(arguments) + f" 3<&{command_read} 4>&{reply_write}"
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {shell}"],
            pass_fds=(command_read, reply_write),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(command_read)
        os.close(reply_write)
        self._commands = os.fdopen(command_write, "wb", buffering=0)
        self._replies = os.fdopen(reply_read, "rb", buffering=0)
        self._buffer = b""
        self._last_id = 0
        self.session = ""
        target = next(
            info for info in self.send("Target.getTargets")["targetInfos"] if info["type"] == "page"
        )
        attached = self.send("Target.attachToTarget", targetId=target["targetId"], flatten=True)
        self.session = attached["sessionId"]
        self.send("Page.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self._commands.write(json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") != self._last_id:
                continue  # an event: not needed here
            if "error" in reply:
                raise RuntimeError(f"{method}: {reply['error']}")
            result: dict[str, Any] = reply.get("result", {})
            return result

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = self._replies.read(1 << 16)
            if not chunk:
                raise EOFError("chromium closed its DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return reply.get("result", {}).get("value")

    def open(self, url: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && !!document.querySelector('h1')")

    def wait_for(self, expression: str) -> Any:
        deadline = time.monotonic() + BROWSER_WAIT_SECONDS
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(f"waited {BROWSER_WAIT_SECONDS:g} s for: {expression}")

    def screenshot(self, path: Path) -> Path:
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        shot = self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": min(height, 6000), "scale": 1},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        with contextlib.suppress(OSError, EOFError, RuntimeError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._commands.close()
        self._replies.close()


def above_four(fd: int) -> int:
    """The same pipe end on a descriptor numbered 10 or more."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def served(built: Build) -> Iterator[str]:
    """The built site on 127.0.0.1, on a free port, for the length of the module."""
    handler = functools.partial(QuietHandler, directory=str(built.site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory(prefix="workbook-chromium-") as profile:
        chromium = Chromium(CHROMIUM, Path(profile))
        try:
            yield chromium
        finally:
            chromium.close()


@needs_chromium
def test_the_home_page_renders(served: str, browser: Chromium) -> None:
    browser.open(served)
    title = browser.evaluate("document.querySelector('.md-content h1').firstChild.textContent")
    nav = browser.evaluate("document.querySelector('.md-nav--primary').textContent")
    assert title == "The FastAPI guideline workbook"
    assert "Getting started" in nav
    assert "Rule index" in nav
    for lesson in LESSONS:
        assert lesson.title in nav, f"lesson {lesson.number} is not in the navigation"


@needs_chromium
def test_a_lesson_page_shows_its_rules_code_and_notebook(
    served: str, browser: Chromium, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = next((lesson for lesson in LESSONS if lesson.notebook_source.is_file()), FIRST)
    if lesson is None:
        pytest.skip("no lesson yet")
    browser.open(f"{served}lessons/{lesson.name}/")
    anchors = browser.evaluate(
        "Array.from(document.querySelectorAll('.md-content [id^=rule-]')).map(h => h.id)"
        ".filter(id => /^rule-\\d+-\\d+$/.test(id))"
    )
    assert anchors == [rule.anchor for rule in lesson.rules]
    diff_lines = "document.querySelectorAll('.tabbed-set .highlight :is(.gd, .gi)')"
    assert browser.evaluate(f"{diff_lines}.length") > 0, "no starter/solution diff on the page"
    checks = browser.evaluate("document.getElementById('checks').nextElementSibling.textContent")
    assert "pytest lessons/" in checks
    if site.notebook_file(KIT_ROOT, lesson.name).is_file():
        notebook = browser.evaluate(
            "Array.from(document.querySelectorAll('.md-content .highlight .filename'))"
            ".map(e => e.textContent)"
        )
        assert "stdout" in notebook, "the notebook's stored outputs are not on the page"
    path = browser.screenshot(SCREENSHOTS / f"lesson-{lesson.name}.png")
    assert path.stat().st_size > 20_000
    with capsys.disabled():
        sys.stdout.write(f"\nscreenshot of a lesson page: {path}\n")


@needs_chromium
@pytest.mark.parametrize("by", ["id", "title"])
def test_search_finds_a_rule_by_its_id_and_its_words(
    served: str, browser: Chromium, by: str
) -> None:
    if FIRST is None:
        pytest.skip("no lesson yet")
    rule = FIRST.rules[-1]
    query = rule.id if by == "id" else rule.title
    browser.open(f"{served}?q={urllib.parse.quote(query)}")
    links = browser.wait_for(
        "Array.from(document.querySelectorAll('.md-search-result__item a')).map(a => a.href)"
    )
    hits = [
        link
        for link in links
        if f"/lessons/{FIRST.name}/" in link and link.endswith(f"#{rule.anchor}")
    ]
    assert hits, f"searching {query!r} found: {links}"
