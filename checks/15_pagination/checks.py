"""Checks for lesson 15: bounded lists, a keyset feed, and cursors treated as untrusted input.

The contract (README): `GET /tasks?limit=&offset=` returns a JSON list, `GET /tasks/feed?limit=
&cursor=` returns `{"items": [...], "next_cursor": str | null}`; both are ordered by `due_on`,
then `id`. Rows are seeded straight into the `task` table with the check's own engine (a
hundred HTTP creates would make the checks slow, not better); rows added *during* a walk go
through `POST /tasks`, as another client's would.
"""

import base64
import json
from datetime import date
from typing import Any

import httpx
from sqlalchemy import Date, String, column, insert, table
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.harness import Check, check, expect, expect_status, json_body

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
SEED_DATES = (date(2030, 5, 1), date(2030, 5, 2), date(2030, 5, 3))
EARLY = date(2030, 1, 1)  # sorts before every seeded task
LATE = date(2030, 12, 31)  # sorts after every seeded task
PAGE_SIZE = 7  # never a divisor of a group of equal due dates: pages end inside ties
MAX_PAGES = 40
TASK_TABLE = table("task", column("title", String), column("due_on", Date))


async def seed_tasks(ctx: Check, count: int) -> None:
    """Insert `count` tasks whose due dates cycle through SEED_DATES (so ids and order differ)."""
    rows = [
        {"title": f"seeded {n:03}", "due_on": SEED_DATES[n % len(SEED_DATES)]} for n in range(count)
    ]
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(TASK_TABLE), rows)
    finally:
        await engine.dispose()


async def add_task(client: httpx.AsyncClient, title: str, due_on: date) -> None:
    response = await client.post("/tasks", json={"title": title, "due_on": due_on.isoformat()})
    expect_status(response, 201, because="a valid task is created")


def items_of(response: httpx.Response, where: str) -> list[dict[str, Any]]:
    expect_status(response, 200, because=f"{where} answers a page")
    body = json_body(response)
    items: Any = body.get("items") if isinstance(body, dict) and "items" in body else body
    expect(
        isinstance(items, list) and all(isinstance(item, dict) for item in items),
        expected=f"{where} to answer tasks as a JSON list (the feed: inside `items`)",
        got=response,
        response=response,
    )
    return list(items)


def sort_key(task: dict[str, Any]) -> tuple[str, int]:
    return (str(task.get("due_on")), int(task.get("id", 0)))


def natural(value: object) -> tuple[int, str]:
    return (len(str(value)), str(value))


def encoded(document: object) -> str:
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@check("15.1", baseline=True)
async def limit_and_offset_select_a_slice(ctx: Check) -> None:
    """`limit` and `offset` pick a slice of the tasks ordered by due date, then id."""
    async with ctx.client() as client:
        await seed_tasks(ctx, 12)
        everything = items_of(await client.get("/tasks", params={"limit": 12}), "GET /tasks")
        response = await client.get("/tasks", params={"limit": 5, "offset": 5})
    page = items_of(response, "GET /tasks?limit=5&offset=5")
    wanted = [task["id"] for task in sorted(everything, key=sort_key)[5:10]]
    got = [task.get("id") for task in page]
    expect(
        got == wanted,
        expected=f"tasks 6 to 10 in (due_on, id) order: ids {wanted}",
        got=f"ids {got}",
        response=response,
    )


@check("15.1")
async def every_list_is_bounded(ctx: Check) -> None:
    """Lists default to 50 rows, allow 100, and never return more (a larger limit: 422 or 100)."""
    async with ctx.client() as client:
        await seed_tasks(ctx, MAX_LIMIT + 5)
        for path in ("/tasks", "/tasks/feed"):
            response = await client.get(path)
            count = len(items_of(response, f"GET {path}"))
            expect(
                count == DEFAULT_LIMIT,
                expected=f"a default page of {DEFAULT_LIMIT} of the {MAX_LIMIT + 5} tasks",
                got=f"{count} tasks",
                response=response,
                note="an unbounded list grows with the table until it takes the service down",
            )
            response = await client.get(path, params={"limit": MAX_LIMIT})
            count = len(items_of(response, f"GET {path}?limit={MAX_LIMIT}"))
            expect(
                count == MAX_LIMIT,
                expected=f"{MAX_LIMIT} tasks when asked for the maximum",
                got=f"{count} tasks",
                response=response,
            )
            for limit in (MAX_LIMIT + 1, 10_000):
                response = await client.get(path, params={"limit": limit})
                rows = len(items_of(response, path)) if response.status_code == 200 else None
                expect(
                    response.status_code == 422 or (rows is not None and rows <= MAX_LIMIT),
                    expected=f"limit={limit} refused with 422, or capped at {MAX_LIMIT} rows",
                    got=response if rows is None else f"200 with {rows} tasks",
                    response=response,
                )
            for limit in (0, -1):
                response = await client.get(path, params={"limit": limit})
                expect_status(response, 422, because=f"limit={limit} is not a page size")
        for offset in (-1, -50):
            response = await client.get("/tasks", params={"offset": offset})
            expect_status(response, 422, because=f"offset={offset}: an offset is never negative")


@check("15.2")
async def walking_the_feed_sees_every_task_once(ctx: Check) -> None:
    """Following `next_cursor` to the end yields each task once, in order, while others insert."""
    async with ctx.client() as client:
        await seed_tasks(ctx, 30)
        seeded = items_of(await client.get("/tasks", params={"limit": 30}), "GET /tasks")
        seen: list[dict[str, Any]] = []
        cursor: str | None = None
        response: httpx.Response | None = None
        for page_number in range(MAX_PAGES):
            params: dict[str, str | int] = {"limit": PAGE_SIZE}
            if cursor is not None:
                params["cursor"] = cursor
            response = await client.get("/tasks/feed", params=params)
            seen += items_of(response, "GET /tasks/feed")
            body = json_body(response)
            expect(
                isinstance(body, dict) and "next_cursor" in body,
                expected="a page object with `items` and `next_cursor`",
                got=response,
                response=response,
            )
            cursor = body["next_cursor"]
            if not cursor:
                break
            # Meanwhile another client adds a task: before the walk's position, then after it.
            moment = EARLY if page_number % 2 == 0 else LATE
            await add_task(client, f"added after page {page_number + 1}", moment)
        else:
            expect(
                False,
                expected=f"the walk to end within {MAX_PAGES} pages",
                got=f"a next_cursor on page {MAX_PAGES}",
                response=response,
            )
    ids: list[Any] = [task.get("id") for task in seen]
    twice = sorted({task_id for task_id in ids if ids.count(task_id) > 1}, key=natural)
    expect(
        not twice,
        expected="every task at most once, even though tasks were added between pages",
        got=f"task ids seen twice: {twice}",
        response=response,
        note="an offset cursor shifts when a row is inserted before it: the next page repeats "
        "rows (or, after a delete, skips them); a keyset cursor resumes after the last row seen",
    )
    missing = sorted({task["id"] for task in seeded} - set(ids))
    expect(
        not missing,
        expected=f"all {len(seeded)} tasks that existed before the walk",
        got=f"task ids never seen: {missing}",
        response=response,
        note="pages ended inside a run of equal due dates: the cursor needs the id as a "
        "tiebreaker, (due_on, id) > (last due_on, last id)",
    )
    keys = [sort_key(task) for task in seen]
    expect(
        keys == sorted(keys),
        expected="the walk in the documented order: due_on, then id",
        got=f"(due_on, id) pairs {keys}",
        response=response,
    )


@check("15.3")
async def a_tampered_cursor_is_a_400_problem(ctx: Check) -> None:
    """A cursor the service did not issue gets a 400 problem+json, never a 500."""
    tampered = {
        "not base64 at all": "%%% not a cursor %%%",
        "base64 of bytes that are not text": encoded(b"\x00\xff\xfe garbage \x81"),
        "base64 of a JSON list": encoded([1, 2, 3]),
        "base64 of wrong types inside": encoded({"due_on": "someday", "id": "seven"}),
        "base64 of a number": encoded(42),
        "an integer as text": "7",
        "text with non-ASCII letters": "évènement-été",
    }
    async with ctx.client() as client:
        await seed_tasks(ctx, 5)
        first = await client.get("/tasks/feed", params={"limit": 2})
        expect_status(first, 200, because="the first page needs no cursor")
        issued = json_body(first).get("next_cursor")
        expect(
            isinstance(issued, str) and bool(issued),
            expected="a next_cursor on the first of three pages",
            got=first,
            response=first,
        )
        second = await client.get("/tasks/feed", params={"limit": 2, "cursor": issued})
        expect_status(second, 200, because="a cursor the service issued is accepted")
        # Decoded without validate=True, characters outside the alphabet are silently dropped.
        tampered["an issued cursor with `!` inserted"] = f"{issued[:4]}!{issued[4:]}"
        for what, cursor in tampered.items():
            response = await client.get("/tasks/feed", params={"cursor": cursor})
            expect_status(response, 400, because=f"the cursor is {what}")
            expect_problem(response)
        far = encoded({"due_on": "2030-05-01", "id": 10**20})
        response = await client.get("/tasks/feed", params={"cursor": far})
        expect_status(
            response,
            200,
            400,
            because="a position beyond any row is an empty page or "
            "a refused cursor, but never a database error",
        )


def expect_problem(response: httpx.Response) -> None:
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    expect(
        media_type == "application/problem+json" and isinstance(json_body(response), dict),
        expected="a problem details body (application/problem+json)",
        got=response,
        response=response,
    )
