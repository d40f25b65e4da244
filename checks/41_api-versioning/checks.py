"""Checks for lesson 41: two API versions side by side, v1 frozen and announced as deprecated.

The v1 contract is a recording (`contract_v1.json` beside this file): the exact status,
Content-Type and body bytes v1 answered to a fixed sequence of requests on a fresh service.
"""

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

CONTRACT = Path(__file__).with_name("contract_v1.json")
METHODS = ("get", "put", "post", "delete", "patch")
VERSION_SEGMENT = re.compile(r"/v(\d+)(?=/|$)")
# RFC 9745: Deprecation is a structured-field date, "@" and an integer (Unix seconds).
SF_DATE = re.compile(r"@-?\d{1,15}")
# RFC 8594 (via RFC 9110): Sunset is an HTTP-date, IMF-fixdate form.
IMF_FIXDATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} GMT"
)


def recorded_exchanges() -> list[dict[str, Any]]:
    exchanges: list[dict[str, Any]] = json.loads(CONTRACT.read_text(encoding="utf-8"))[
        "exchanges"
    ]
    return exchanges


async def send(client: httpx.AsyncClient, exchange: dict[str, Any]) -> httpx.Response:
    if exchange["json"] is None:
        return await client.request(exchange["method"], exchange["path"])
    return await client.request(exchange["method"], exchange["path"], json=exchange["json"])


async def openapi(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    expect_status(response, 200, because="the checks read the API's versions from its document")
    document: dict[str, Any] = json_body(response)
    return document


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (document.get("paths") or {}).items():
        for method in METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                yield path, method, item[method]


def version_of(path: str) -> int | None:
    match = VERSION_SEGMENT.search(path)
    return int(match.group(1)) if match else None


def header_problems(response: httpx.Response) -> list[str]:
    """What is wrong with a retired version's Deprecation and Sunset headers ([] when right)."""
    problems: list[str] = []
    deprecation = response.headers.get("deprecation")
    sunset = response.headers.get("sunset")
    if deprecation is None:
        problems.append("no Deprecation header")
    elif not SF_DATE.fullmatch(deprecation.strip()):
        problems.append(
            f"Deprecation: {deprecation!r} is not an RFC 9745 date (`@` and Unix seconds, "
            "e.g. @1793491200)"
        )
    if sunset is None:
        problems.append("no Sunset header")
    elif not IMF_FIXDATE.fullmatch(sunset.strip()):
        problems.append(
            f"Sunset: {sunset!r} is not an HTTP-date (e.g. Wed, 30 Jun 2027 00:00:00 GMT)"
        )
    if problems or deprecation is None or sunset is None:
        return problems
    deprecated_at = datetime.fromtimestamp(int(deprecation.strip()[1:]), UTC)
    sunset_at = parsedate_to_datetime(sunset)
    if sunset_at.strftime("%a") != sunset.strip()[:3]:
        problems.append(f"Sunset: {sunset!r} names the wrong weekday")
    if sunset_at <= deprecated_at:
        problems.append(
            f"Sunset ({sunset_at:%Y-%m-%d}) is not after Deprecation ({deprecated_at:%Y-%m-%d})"
        )
    return problems


# --- 41.1 -----------------------------------------------------------------------------------


@check("41.1", portable=True)
async def every_path_is_versioned(ctx: Check) -> None:
    """Every path in /openapi.json carries its API version (/api/v1/..., /v2/...)."""
    async with ctx.client() as client:
        document = await openapi(client)
    unversioned = sorted({path for path, _, _ in operations(document) if version_of(path) is None})
    expect(
        bool(document.get("paths")) and not unversioned,
        expected="a version segment in every path, so a breaking change gets a new path "
        "instead of changing an old one under its clients",
        got="unversioned: " + ", ".join(unversioned) if unversioned else "no paths",
    )


@check("41.1")
async def both_versions_answer_and_nothing_unversioned_does(ctx: Check) -> None:
    """GET /api/v1/tasks and /api/v2/tasks answer 200; the unversioned /tasks answers 404."""
    async with ctx.client() as client:
        for path in ("/api/v1/tasks", "/api/v2/tasks"):
            response = await client.get(path)
            expect_status(response, 200, because="both versions are served side by side")
        alias = await client.get("/tasks")
        expect_status(
            alias,
            404,
            because="an unversioned alias ('latest') changes under its clients at every new "
            "version, which is the problem versioning solves",
        )


# --- 41.2 -----------------------------------------------------------------------------------


@check("41.2")
async def v1_answers_byte_for_byte_as_recorded(ctx: Check) -> None:
    """Replaying v1's recorded requests gives the recorded status, Content-Type and body bytes."""
    async with ctx.client() as client:
        for number, exchange in enumerate(recorded_exchanges(), start=1):
            response = await send(client, exchange)
            expected_body = exchange["body"].encode("utf-8")
            got_type = response.headers.get("content-type", "")
            got_body = response.content.decode("utf-8", "replace")
            is_same = (
                response.status_code == exchange["status"]
                and got_type == exchange["content_type"]
                and response.content == expected_body
            )
            expect(
                is_same,
                expected=f"exchange {number} of the v1 recording: {exchange['status']} "
                f"{exchange['content_type']} {exchange['body']}",
                got=f"{response.status_code} {got_type} {got_body}"
                + first_difference(expected_body, response.content),
                response=response,
                note="v1 clients parse these exact bytes: same field names, same order, same "
                "types, same error bodies, non-ASCII sent as UTF-8, not \\u escapes",
            )


def first_difference(expected: bytes, got: bytes) -> str:
    if expected == got:
        return ""
    index = next(
        (i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
        min(len(expected), len(got)),
    )
    return (
        f"\n(bodies differ from byte {index}: expected "
        f"{expected[index:index + 30]!r}, got {got[index:index + 30]!r})"
    )


# --- 41.3 -----------------------------------------------------------------------------------


@check("41.3")
async def every_v1_answer_announces_its_deprecation(ctx: Check) -> None:
    """Every v1 answer, errors included, has RFC 9745 Deprecation and RFC 8594 Sunset headers."""
    async with ctx.client() as client:
        answers = [await send(client, exchange) for exchange in recorded_exchanges()]
        answers.append(await client.get("/api/v1/no-such-route"))
        answers.append(await client.delete("/api/v1/tasks"))
        values: set[tuple[str | None, str | None]] = set()
        for response in answers:
            problems = header_problems(response)
            expect(
                not problems,
                expected="Deprecation (RFC 9745, `@<unix-seconds>`) and Sunset (RFC 8594, an "
                "HTTP-date later than it) on this v1 answer",
                got="; ".join(problems),
                response=response,
            )
            values.add((response.headers.get("deprecation"), response.headers.get("sunset")))
        expect(len(values) == 1, expected="the same dates on every v1 answer", got=values)
        current = await client.get("/api/v2/tasks")
        expect(
            "deprecation" not in current.headers and "sunset" not in current.headers,
            expected="no Deprecation or Sunset on v2, the current version",
            got=dict(current.headers),
            response=current,
        )


@check("41.3")
async def v1_operations_are_deprecated_in_openapi(ctx: Check) -> None:
    """Every /api/v1 operation is `deprecated: true` in /openapi.json; no /api/v2 one is."""
    async with ctx.client() as client:
        document = await openapi(client)
    v1 = [(p, m, op) for p, m, op in operations(document) if p.startswith("/api/v1/")]
    v2 = [(p, m, op) for p, m, op in operations(document) if p.startswith("/api/v2/")]
    if not v1 or not v2:
        raise Blocked("41.1", "/openapi.json does not list both /api/v1 and /api/v2 operations")
    undeclared = [f"{m.upper()} {p}" for p, m, op in v1 if op.get("deprecated") is not True]
    expect(
        not undeclared,
        expected="deprecated: true on every v1 operation (APIRouter(deprecated=True))",
        got="not deprecated: " + ", ".join(undeclared),
    )
    wrongly = [f"{m.upper()} {p}" for p, m, op in v2 if op.get("deprecated")]
    expect(not wrongly, expected="no v2 operation deprecated",
           got="deprecated: " + ", ".join(wrongly))


@check("41.3", portable=True)
async def older_versions_are_deprecated_with_headers(ctx: Check) -> None:
    """Older versions' operations are deprecated in OpenAPI; their GETs send both headers."""
    async with ctx.client() as client:
        document = await openapi(client)
        found = [(p, m, op, version_of(p)) for p, m, op in operations(document)]
        versions = sorted({version for *_, version in found if version is not None})
        if len(versions) < 2:
            raise Blocked("41.1", f"/openapi.json lists {len(versions)} API version(s), not two")
        newest = versions[-1]
        problems: list[str] = []
        for path, method, operation, version in found:
            if version is None:
                continue
            is_deprecated = operation.get("deprecated") is True
            if version < newest and not is_deprecated:
                problems.append(f"{method.upper()} {path}: not deprecated in the document")
            if version == newest and is_deprecated:
                problems.append(f"{method.upper()} {path}: the newest version is deprecated")
            if version < newest and method == "get":
                response = await client.get(re.sub(r"\{[^}]+\}", "1", path))
                problems += [f"GET {path}: {problem}" for problem in header_problems(response)]
    expect(
        not problems,
        expected="older versions' operations deprecated: true, their answers with Deprecation "
        "and Sunset headers",
        got="\n".join(problems),
    )


# --- 41.4 -----------------------------------------------------------------------------------


async def create_in_v2(client: httpx.AsyncClient, title: str) -> httpx.Response:
    """POST /api/v2/tasks; a v2 that is not served at /api/v2 is rule 41.1's, not 41.4's."""
    created = await client.post("/api/v2/tasks", json={"title": title})
    if created.status_code in (404, 405):
        raise Blocked("41.1", f"POST /api/v2/tasks answers {created.status_code}: v2 is not "
                      "served under /api/v2")
    return created


@check("41.4")
async def v2_makes_its_breaking_change(ctx: Check) -> None:
    """v2 tasks have `status` ("open"/"done") instead of `done`; v2 lists are {items, count}."""
    async with ctx.client() as client:
        created = await create_in_v2(client, "Plan the release")
        expect_status(created, 201)
        task = json_body(created)
        expect(
            task.get("status") == "open" and "done" not in task,
            expected='a v2 task with "status": "open" and no "done" flag',
            got=created,
            response=created,
        )
        completed = await client.post(f"/api/v2/tasks/{task['id']}/complete")
        expect_status(completed, 200)
        expect(json_body(completed).get("status") == "done",
               expected='"status": "done" after POST /api/v2/tasks/{id}/complete',
               got=completed, response=completed)
        listed = await client.get("/api/v2/tasks")
        body = json_body(listed)
        expect(
            isinstance(body, dict) and body.get("count") == 1 and len(body.get("items", [])) == 1,
            expected='the v2 list as {"items": [...], "count": 1}',
            got=listed,
            response=listed,
        )


@check("41.4")
async def both_versions_serve_the_same_tasks(ctx: Check) -> None:
    """A task created in one version is read and completed through the other."""
    async with ctx.client() as client:
        created = await create_in_v2(client, "Ship v2")
        expect_status(created, 201)
        task_id = json_body(created)["id"]
        in_v1 = await client.get(f"/api/v1/tasks/{task_id}")
        expect_status(in_v1, 200, because="both versions are views of the same tasks")
        expect(json_body(in_v1).get("done") is False, expected='"done": false in v1',
               got=in_v1, response=in_v1)
        done = await client.post(f"/api/v1/tasks/{task_id}/done")
        expect_status(done, 200)
        in_v2 = await client.get(f"/api/v2/tasks/{task_id}")
        expect_status(in_v2, 200)
        expect(json_body(in_v2).get("status") == "done",
               expected='"status": "done" in v2 after v1 marked it done', got=in_v2,
               response=in_v2)
