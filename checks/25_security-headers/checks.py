"""Checks for lesson 25: security headers on every response, errors included; CSP on HTML.

The portable checks know nothing of the task tracker: they read the app's OpenAPI document,
then send what any client can send: GET requests to routes without parameters, an unknown
path, a method a path does not allow, a JSON body that cannot be parsed. Only the 500 and 413
checks need this lesson's service (a route that fails, a body limit), so they are not portable.
"""

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from workbook.csp import script_problem
from workbook.harness import (
    MUST_BE_REFUSED,
    Check,
    NotApplicable,
    check,
    expect,
    expect_status,
    json_body,
)

BASELINE_HEADERS = (
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Strict-Transport-Security",
)
ONE_YEAR = 31_536_000
STRICT_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
# Script sources that keep scripts to the service's own origin (or to what it vouches for
# with a nonce or a hash). Anything else, a host, a scheme (blob:, data:, https:), *,
# 'unsafe-inline' or 'unsafe-eval', lets a script the service did not write run on the page.
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


# --- what the app's OpenAPI document says ---------------------------------------------------


async def openapi_document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    expect_status(response, 200, because="the checks find the routes in the OpenAPI document")
    document: dict[str, Any] = json_body(response)
    return document


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every operation in the document."""
    found = []
    for path, item in sorted(document.get("paths", {}).items()):
        for method in HTTP_METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                found.append((method, path, item[method]))
    return found


def plain_get_paths(document: dict[str, Any]) -> list[str]:
    """GET routes with no path parameter and no required parameter at all."""
    return [
        path
        for method, path, operation in operations(document)
        if method == "get"
        and "{" not in path
        and not any(parameter.get("required") for parameter in operation.get("parameters", []))
    ]


def html_get_paths(document: dict[str, Any]) -> list[str]:
    """The plain GET routes whose documented success answer is text/html."""
    paths = set(plain_get_paths(document))
    html = []
    for method, path, operation in operations(document):
        if method != "get" or path not in paths:
            continue
        for code, response in operation.get("responses", {}).items():
            if str(code).startswith("2") and "text/html" in response.get("content", {}):
                html.append(path)
                break
    return html


def path_with_dummy_parameters(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "1", path)


# --- what the headers must say ----------------------------------------------------------------


def missing_headers(response: httpx.Response) -> list[str]:
    return [name for name in BASELINE_HEADERS if not response.headers.get(name, "").strip()]


def header_problems(response: httpx.Response) -> list[str]:
    """What is wrong with the four baseline headers of one response (empty: nothing)."""
    problems = [f"no {name}" for name in missing_headers(response)]
    headers = response.headers
    nosniff = headers.get("X-Content-Type-Options", "").strip().lower()
    if nosniff and nosniff != "nosniff":
        problems.append(f"X-Content-Type-Options: {nosniff} (only `nosniff` means anything)")
    frame = headers.get("X-Frame-Options", "").strip().upper()
    if frame and frame not in ("DENY", "SAMEORIGIN"):
        problems.append(
            f"X-Frame-Options: {frame} (browsers honour only DENY and SAMEORIGIN; "
            "anything else lets any site frame the page)"
        )
    referrer = headers.get("Referrer-Policy", "").strip().lower()
    # Browsers use the last policy they understand in a comma-separated list.
    last = [token.strip() for token in referrer.split(",") if token.strip()][-1:]
    if referrer and (not last or last[0] not in STRICT_REFERRER_POLICIES):
        problems.append(
            f"Referrer-Policy: {referrer} (it sends full URLs, with their ids and query "
            f"strings, to other sites; use one of {sorted(STRICT_REFERRER_POLICIES)})"
        )
    hsts = headers.get("Strict-Transport-Security", "")
    if hsts:
        max_age = re.search(r"(?i)(?:^|;)\s*max-age\s*=\s*\"?(\d+)", hsts)
        if max_age is None or int(max_age.group(1)) < ONE_YEAR:
            problems.append(
                f"Strict-Transport-Security: {hsts} (max-age must be at least one year, "
                f"{ONE_YEAR} seconds, or browsers forget it between visits)"
            )
        directives = {part.strip().lower() for part in hsts.split(";")}
        if "includesubdomains" not in directives:
            problems.append(
                f"Strict-Transport-Security: {hsts} (no includeSubDomains: any subdomain, "
                "real or spoofed on a hostile network, can still be reached over plain HTTP "
                "and set cookies for the whole domain)"
            )
    return problems


def csp_problems(response: httpx.Response) -> list[str]:
    """What is wrong with an HTML response's Content-Security-Policy (empty: nothing)."""
    problem = script_problem(response)
    return [problem] if problem else []


async def successful_gets(
    client: httpx.AsyncClient, paths: list[str]
) -> list[httpx.Response]:
    """GET each path; the answers that succeeded."""
    answers = [await client.get(path) for path in paths]
    return [answer for answer in answers if 200 <= answer.status_code < 300]


def expect_headers_present(response: httpx.Response, what: str) -> None:
    missing = missing_headers(response)
    expect(
        not missing,
        expected=f"{', '.join(BASELINE_HEADERS)} on {what} too",
        got=f"{response.status_code} without {', '.join(missing)}; headers: "
        f"{dict(response.headers)}",
        response=response,
        note="Error answers are pages a browser renders like any other. A header added by "
        "the route, a dependency or an inner middleware is missing from the answers that "
        "never reach it.",
    )


async def oversized_body() -> AsyncIterator[bytes]:
    """A 200 KB JSON body, streamed (so the report does not print it)."""
    yield b'{"title": "'
    for _ in range(OVERSIZED_CHUNKS):
        yield b"x" * 4096
    yield b'"}'


OVERSIZED_CHUNKS = 50
OVERSIZED = len(b'{"title": "') + OVERSIZED_CHUNKS * 4096 + len(b'"}')


# --- 25.1 the headers and their values --------------------------------------------------------


@check("25.1", portable=True)
async def successful_answers_carry_the_security_headers(ctx: Check) -> None:
    """Every GET route without parameters, and /openapi.json, answers with the four headers."""
    async with ctx.client() as client:
        document = await openapi_document(client)
        paths = ["/openapi.json", *plain_get_paths(document)]
        answers = await successful_gets(client, paths)
    # A route that fails while we look for 200s is not this check's concern (25.2 tests 500s).
    ctx.app_errors.clear()
    for response in answers:
        problems = header_problems(response)
        expect(
            not problems,
            expected="X-Content-Type-Options: nosniff, X-Frame-Options: DENY (or SAMEORIGIN), "
            "a Referrer-Policy that does not leak URLs, Strict-Transport-Security with "
            "max-age of a year or more and includeSubDomains",
            got="; ".join(problems),
            response=response,
        )


@check("25.1", baseline=True)
async def the_service_answers(ctx: Check) -> None:
    """Tasks are created and listed, the board lists them, health answers."""
    async with ctx.client() as client:
        created = await client.post("/tasks", json={"title": "Write the release notes"})
        listed = await client.get("/tasks")
        board = await client.get("/board")
        health = await client.get("/health")
    expect_status(created, 201, because="a valid task is created")
    expect_status(listed, 200)
    expect(
        [task.get("title") for task in json_body(listed)] == ["Write the release notes"],
        expected="the created task in the list",
        got=listed,
        response=listed,
    )
    expect_status(board, 200)
    expect("Write the release notes" in board.text, expected="the board to list the task",
           got=board, response=board)
    expect_status(health, 200)


# --- 25.2 on every answer, errors included ----------------------------------------------------


@check("25.2", portable=True)
async def an_unknown_path_carries_the_headers(ctx: Check) -> None:
    """A 404 for a path no route matches carries the four headers."""
    async with ctx.client() as client:
        response = await client.get("/no-such-route/for-the-checks")
    expect_status(response, 404, because="no route matches the path")
    expect_headers_present(response, "a 404 the router answers before any route runs")


@check("25.2", portable=True)
async def a_wrong_method_carries_the_headers(ctx: Check) -> None:
    """A 405 for a method a path does not allow carries the four headers."""
    async with ctx.client() as client:
        document = await openapi_document(client)
        target = None
        for path, item in sorted(document.get("paths", {}).items()):
            allowed = {method for method in HTTP_METHODS if method in item}
            unused = [name for name in ("patch", "put", "delete", "post") if name not in allowed]
            if allowed and unused:
                target = (unused[0].upper(), path_with_dummy_parameters(path))
                break
        expect(target is not None, expected="a path that does not allow every method",
               got=sorted(document.get("paths", {})))
        assert target is not None
        response = await client.request(*target, extensions=MUST_BE_REFUSED)
    expect_status(response, 405, because="the path has no route for this method")
    expect_headers_present(response, "a 405 the router answers before any route runs")


@check("25.2", portable=True)
async def an_unparsable_body_carries_the_headers(ctx: Check) -> None:
    """A 422 for a JSON body that cannot be parsed carries the four headers."""
    async with ctx.client() as client:
        document = await openapi_document(client)
        targets = [
            (method.upper(), path_with_dummy_parameters(path))
            for method, path, operation in operations(document)
            if "application/json" in operation.get("requestBody", {}).get("content", {})
        ]
        expect(bool(targets), expected="a route that takes a JSON body",
               got=sorted(document.get("paths", {})))
        # Without path parameters first: the parameter we invent could be refused first.
        method, path = sorted(targets, key=lambda target: "{" in target[1])[0]
        response = await client.request(
            method,
            path,
            content=b'{"broken": ',
            headers={"Content-Type": "application/json"},
            extensions=MUST_BE_REFUSED,
        )
    expect_status(response, 422, because="a body that is not JSON is refused by validation")
    expect_headers_present(response, "a 422 from request validation")


@check("25.2")
async def a_server_error_carries_the_headers(ctx: Check) -> None:
    """The catch-all handler's 500 (GET /reports/overdue) carries the four headers."""
    async with ctx.client() as client:
        response = await client.get("/reports/overdue")
    expect_status(response, 500, because="the reporting warehouse is unreachable")
    expect_headers_present(
        response,
        "a 500: Starlette's ServerErrorMiddleware sends it from outside every middleware "
        "added with add_middleware or @app.middleware",
    )


@check("25.2")
async def an_oversized_body_carries_the_headers(ctx: Check) -> None:
    """The 413 for a body over the app's max_body_size, refused before routing, has them."""
    async with ctx.client() as client:
        response = await client.post(
            "/tasks",
            content=oversized_body(),
            headers={"Content-Type": "application/json", "Content-Length": str(OVERSIZED)},
        )
    expect_status(response, 413, because="the body is over the 64 KiB limit")
    expect_headers_present(
        response,
        f"the 413 for a {OVERSIZED} byte body: FastAPI's body limit answers from outside "
        "the user middleware",
    )


@check("25.2")
async def a_redirect_carries_the_headers(ctx: Check) -> None:
    """The redirect for GET /tasks/ (to /tasks), an answer with no content type, has them."""
    async with ctx.client() as client:
        response = await client.get("/tasks/")
    expect(
        300 <= response.status_code < 400,
        expected="a redirect from /tasks/ to /tasks (FastAPI's redirect_slashes)",
        got=response,
        response=response,
    )
    expect_headers_present(
        response,
        "a redirect (no body, no Content-Type: the headers go on every answer, whatever "
        "its content type)",
    )


# --- 25.3 a Content-Security-Policy on HTML ---------------------------------------------------


@check("25.3", portable=True)
async def html_pages_carry_a_content_security_policy(ctx: Check) -> None:
    """Every HTML page among the GET routes (and /docs, /redoc if kept) has a strict CSP."""
    async with ctx.client() as client:
        document = await openapi_document(client)
        answers = await successful_gets(client, html_get_paths(document))
        # The interactive docs are HTML pages too, when the app keeps them.
        for path in ("/docs", "/redoc"):
            response = await client.get(path)
            content_type = response.headers.get("content-type", "").lower()
            if response.status_code == 200 and content_type.startswith("text/html"):
                answers.append(response)
    ctx.app_errors.clear()
    if not answers:
        raise NotApplicable("no GET route without parameters answers HTML")
    for response in answers:
        problems = csp_problems(response)
        expect(
            not problems,
            expected="Content-Security-Policy with a default-src, and scripts (script-src, "
            "script-src-elem, script-src-attr) limited to 'self' (no 'unsafe-inline', "
            "'unsafe-eval', other hosts, *, or schemes such as data:, blob:, https:)",
            got="; ".join(problems),
            response=response,
        )


@check("25.3")
async def the_board_carries_a_content_security_policy(ctx: Check) -> None:
    """GET /board, with a task on it, is HTML with an enforcing CSP."""
    async with ctx.client() as client:
        await client.post("/tasks", json={"title": "Review <b>pull requests</b>"})
        response = await client.get("/board")
    expect_status(response, 200)
    expect(
        response.headers.get("content-type", "").startswith("text/html"),
        expected="the board served as text/html",
        got=response,
        response=response,
    )
    problems = csp_problems(response)
    expect(
        not problems,
        expected="Content-Security-Policy on the HTML board, scripts limited to 'self'",
        got="; ".join(problems) + f"; headers: {dict(response.headers)}",
        response=response,
    )


PROBE_PATH = "/workbook-probe/another-page"


async def probe_page() -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>probe</title><p>Another page</p>")


@check("25.3")
async def an_html_page_on_another_path_carries_the_policy(ctx: Check) -> None:
    """An HTML route the check adds to the app, on a new path, also gets the CSP."""
    app = ctx.app()
    if not isinstance(app, FastAPI):
        raise NotApplicable("`app` is not a FastAPI instance the check can add a route to")
    app.add_api_route(PROBE_PATH, probe_page, methods=["GET"], include_in_schema=False)
    async with ctx.client(app) as client:
        response = await client.get(PROBE_PATH)
    expect_status(response, 200, because="the check added this HTML route to the app")
    problems = csp_problems(response)
    expect(
        not problems,
        expected="Content-Security-Policy on every text/html answer, whatever its path (the "
        "check added an HTML route at " + PROBE_PATH + ")",
        got="; ".join(problems),
        response=response,
        note="Key the policy on the answer's content type: a page added next month, or an "
        "HTML error page, is covered without anyone remembering to list its path.",
    )
