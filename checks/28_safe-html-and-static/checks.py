"""Checks for lesson 28: stored markup comes back as text, links are http(s), static files
are cached and revalidated, and nothing outside the static folder is served.

Pages are read with Python's HTML parser, as a browser would build them: a check fails when
the parsed page holds an element or attribute the user's text put there (a <script>, an
onerror= handler, an injected attribute), whatever the template looks like.
"""

import html
import re
from html.parser import HTMLParser

import httpx

from workbook.csp import script_problem
from workbook.harness import Check, check, expect, expect_status, json_body

SCRIPT_TITLE = '<script>alert("stored-28")</script>'
MARKUP_DESCRIPTION = '<img src=x onerror=alert("img-28")>\n<b>bold</b> & <i>more</i>'
BREAKOUT_TITLES = (
    '" onmouseover="alert(1)" x="',
    "' autofocus onfocus='alert(2)' x='",
    "x onclick=alert(3)",
)
BAD_LINKS = (
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "javascript://%0aalert(1)",
)
GOOD_LINK = "https://example.org/specs?id=7&lang=en"
STATIC_FILE = "/static/board.css"
# Script sources that keep scripts to the service's own origin (or what it vouches for with a
# nonce or a hash); any host, scheme (blob:, data:, https:), * or 'unsafe-...' does not.


class Page(HTMLParser):
    """A parsed page: its elements with their attributes, and its text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text_parts: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def injected(self) -> list[str]:
        """Elements and attributes that only user text can have put there."""
        found = []
        for tag, attrs in self.elements:
            if tag in ("script", "img", "b", "i", "iframe", "svg"):
                found.append(f"{article(tag)} <{tag}> element")
            for name, _ in attrs:
                if name.startswith("on") or name in ("autofocus", "x"):
                    found.append(f"{article(name)} {name}= attribute on <{tag}>")
        return found

    def hrefs(self) -> list[str]:
        return [
            value or "" for _, attrs in self.elements for name, value in attrs if name == "href"
        ]


def article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def scheme_of(url: str) -> str:
    """The scheme a browser would use: it drops whitespace and control characters first."""
    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else ""


async def create(client: httpx.AsyncClient, **task: str) -> httpx.Response:
    return await client.post("/tasks", json={"title": "A task", **task})


async def page_of(client: httpx.AsyncClient, created: httpx.Response) -> httpx.Response:
    expect_status(created, 201, because="the task is valid")
    task_id = json_body(created)["id"]
    page = await client.get(f"/tasks/{task_id}/page")
    expect_status(page, 200, because="every task has a page")
    return page


def expect_nothing_injected(page: httpx.Response, what: str) -> None:
    injected = Page(page.text).injected()
    expect(
        not injected,
        expected=f"{what} shown as text: the page's elements and attributes are the "
        "template's own",
        got=f"the parsed page holds {', '.join(sorted(set(injected)))}:\n{page.text}",
        response=page,
    )


# --- 28.1 user text comes back escaped --------------------------------------------------------


@check("28.1", baseline=True)
async def tasks_have_pages_and_a_board(ctx: Check) -> None:
    """A created task has an HTML page and is listed on the board."""
    async with ctx.client() as client:
        created = await create(client, title="Plan the release", description="Two weeks")
        page = await page_of(client, created)
        board = await client.get("/board")
    expect("Plan the release" in page.text and "Two weeks" in page.text,
           expected="the title and description on the page", got=page, response=page)
    expect_status(board, 200)
    expect("Plan the release" in board.text, expected="the task on the board", got=board,
           response=board)


@check("28.1")
async def stored_markup_comes_back_as_text(ctx: Check) -> None:
    """A <script> title and an <img onerror> description are shown as text, not run."""
    async with ctx.client() as client:
        created = await create(client, title=SCRIPT_TITLE, description=MARKUP_DESCRIPTION)
        page = await page_of(client, created)
        board = await client.get("/board")
    expect_nothing_injected(page, "the stored <script> title and <img onerror> description")
    expect_nothing_injected(board, "the stored <script> title")
    expect(
        SCRIPT_TITLE in Page(page.text).text and "<b>bold</b>" in Page(page.text).text,
        expected="the user's text shown as they wrote it (escaped, so the browser displays "
        "<script> instead of running it), not dropped",
        got=page,
        response=page,
    )


@check("28.1")
async def attribute_values_cannot_break_out(ctx: Check) -> None:
    """Titles with quotes and spaces stay inside the attributes they are written into."""
    async with ctx.client() as client:
        pages = [await page_of(client, await create(client, title=title))
                 for title in BREAKOUT_TITLES]
        board = await client.get("/board")
    for page in pages:
        expect_nothing_injected(page, "a title written into an attribute")
    expect_nothing_injected(board, "titles written into attributes")


# --- 28.2 links are http(s) -------------------------------------------------------------------


@check("28.2", baseline=True)
async def an_https_link_is_kept(ctx: Check) -> None:
    """A task's https link is stored and shown as a link on its page."""
    async with ctx.client() as client:
        page = await page_of(client, await create(client, link=GOOD_LINK))
    expect(GOOD_LINK in Page(page.text).hrefs(), expected=f'<a href="{GOOD_LINK}"> on the page',
           got=Page(page.text).hrefs(), response=page)


@check("28.2")
async def only_http_links_are_accepted(ctx: Check) -> None:
    """javascript:, data: and vbscript: links, in any spelling, are refused with 422."""
    async with ctx.client() as client:
        for link in BAD_LINKS:
            created = await create(client, link=link)
            if created.status_code == 422:
                continue
            expect(
                200 <= created.status_code < 300,
                expected=f"the link {link!r} refused with 422",
                got=created,
                response=created,
            )
            page = await page_of(client, created)
            schemes = {scheme_of(href) for href in Page(page.text).hrefs()} - {"", "http", "https"}
            expect(
                not schemes,
                expected=f"the link {link!r} refused with 422 (accept only http and https "
                "URLs)",
                got=f"{created.status_code}, and the page links to a "
                f"{', '.join(sorted(schemes))}: URL, which runs script when clicked",
                response=page,
            )
            expect(
                False,
                expected=f"the link {link!r} refused with 422 (accept only http and https URLs)",
                got=f"{created.status_code}: the task was stored and the link silently dropped "
                "or not linked; the user is never told the link was refused",
                response=created,
            )


# --- 28.3 a Content-Security-Policy on HTML ---------------------------------------------------


def csp_problems(response: httpx.Response) -> list[str]:
    """What is wrong with an HTML response's Content-Security-Policy (empty: nothing)."""
    problem = script_problem(response)
    return [problem] if problem else []


@check("28.3")
async def html_pages_carry_a_content_security_policy(ctx: Check) -> None:
    """The board and a task page carry an enforcing CSP: scripts from 'self' only."""
    async with ctx.client() as client:
        page = await page_of(client, await create(client, title="Policy"))
        board = await client.get("/board")
    for response in (board, page):
        problems = csp_problems(response)
        expect(
            not problems,
            expected="Content-Security-Policy with a default-src and scripts (script-src, "
            "script-src-elem, script-src-attr) limited to 'self' (no 'unsafe-inline', no "
            "other hosts, no schemes such as blob: or https:): if markup ever slips through, "
            "the browser still refuses to run it",
            got="; ".join(problems),
            response=response,
        )


# --- 28.4 static files: Cache-Control, ETag, 304 ----------------------------------------------


@check("28.4", baseline=True)
async def a_static_file_is_served(ctx: Check) -> None:
    """GET /static/board.css answers the stylesheet."""
    async with ctx.client() as client:
        response = await client.get(STATIC_FILE)
    expect_status(response, 200)
    expect(response.headers.get("content-type", "").startswith("text/css"),
           expected="a text/css answer", got=response, response=response)


@check("28.4")
async def static_files_carry_cache_control_and_etag(ctx: Check) -> None:
    """The stylesheet comes with an ETag and a Cache-Control that lets browsers keep it."""
    async with ctx.client() as client:
        response = await client.get(STATIC_FILE)
    expect_status(response, 200)
    cache_control = response.headers.get("Cache-Control", "").lower()
    max_age = re.search(r"max-age=(\d+)", cache_control)
    expect(
        bool(cache_control)
        and "no-store" not in cache_control
        and ((max_age is not None and int(max_age.group(1)) > 0) or "no-cache" in cache_control),
        expected="Cache-Control with a max-age above 0 (or no-cache, to revalidate every time), "
        "never no-store: static files are the same for everyone",
        got=f"Cache-Control: {cache_control!r}" if cache_control else "no Cache-Control header",
        response=response,
    )
    expect(bool(response.headers.get("ETag")), expected="an ETag to revalidate with",
           got=f"the headers {sorted(response.headers)}", response=response)


@check("28.4")
async def a_matching_if_none_match_gets_304(ctx: Check) -> None:
    """If-None-Match with the file's ETag (strong or weak) gets 304 and no body."""
    async with ctx.client() as client:
        first = await client.get(STATIC_FILE)
        etag = first.headers.get("ETag", "")
        expect(bool(etag), expected="an ETag on the stylesheet",
               got=f"the headers {sorted(first.headers)}", response=first)
        weak = etag if etag.startswith("W/") else f"W/{etag}"
        strong = etag.removeprefix("W/")
        revalidations = [
            await client.get(STATIC_FILE, headers={"If-None-Match": tag})
            for tag in (strong, weak, f'"other", {strong}')
        ]
        changed = await client.get(STATIC_FILE, headers={"If-None-Match": '"not-this-one"'})
    for sent, response in zip(("strong", "weak", "in a list"), revalidations, strict=True):
        expect(
            response.status_code == 304 and not response.content,
            expected=f"GET {STATIC_FILE} with If-None-Match: the ETag it was served with "
            f"({sent}) answered 304 Not Modified with an empty body: the browser's copy "
            "is current",
            got=f"{response.status_code} with a {len(response.content)} byte body",
        )
        cache_control = response.headers.get("Cache-Control", "")
        expect(
            bool(cache_control.strip()) and bool(response.headers.get("ETag")),
            expected=f"the 304 ({sent} ETag) with the Cache-Control and ETag a 200 would have: "
            "the browser refreshes its copy's freshness from the 304, and without "
            "Cache-Control it revalidates on every use",
            got=f"304 with Cache-Control: {cache_control!r}, ETag: "
            f"{response.headers.get('ETag')!r}",
            response=response,
        )
    expect_status(changed, 200, because="an ETag that does not match gets the file")


# --- 28.5 nothing outside the static folder ---------------------------------------------------

TRAVERSALS = (
    "/static/%2e%2e/main.py",
    "/static/..%2fmain.py",
    "/static/%2e%2e%2f%2e%2e%2fapp%2fmain.py",
    "/static/%2e%2e/%2e%2e/app/main.py",
    "/static/..%5cmain.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/%252e%252e%252fmain.py",
)


@check("28.5")
async def path_traversal_is_refused(ctx: Check) -> None:
    """../ in any encoding, and absolute paths, under /static get a 4xx and no file."""
    source = (ctx.root / "app" / "main.py").read_text(encoding="utf-8")
    marker = next(line for line in source.splitlines() if line.strip())
    async with ctx.client() as client:
        for path in TRAVERSALS:
            response = await client.get(path)
            leaked = ""
            if response.status_code == 200 and marker in response.text:
                leaked = "app/main.py, the service's source"
            elif response.status_code == 200 and "root:" in response.text:
                leaked = "the system's /etc/passwd"
            expect(
                400 <= response.status_code < 500 and not leaked,
                expected="a 4xx: the path leaves the static folder",
                got=f"{response.status_code} with the content of {leaked}" if leaked
                else f"{response.status_code}, {response.text[:120]!r}",
                response=response,
                note="Serve static files with StaticFiles (it resolves the path and refuses "
                "anything outside its directory, absolute paths included), not with a route "
                "that joins the URL's path onto a folder.",
            )
