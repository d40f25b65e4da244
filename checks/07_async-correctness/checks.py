"""Checks for lesson 07: never block the event loop.

Nothing here compares a duration with a fixed number of seconds: one check compares the
time of N overlapping lookups with the time of one (a ratio), the other only looks at the
order in which two requests finish.
"""

import asyncio
import time

import httpx

from workbook.harness import Check, check, expect, expect_status, json_body

LATENCY_SECONDS = 0.15
CONCURRENT = 6
# Overlapping lookups take about 1x one lookup; serialized ones take CONCURRENT x.
MAX_RATIO = 3.0
SLOW_ROUTES = ("/assignees/ada.lovelace", "/tasks/3/assignee")


def use_known_latency(ctx: Check) -> None:
    ctx.setenv("APP_DIRECTORY_LATENCY_SECONDS", str(LATENCY_SECONDS))


async def timed(client: httpx.AsyncClient, *paths: str) -> tuple[float, list[httpx.Response]]:
    started = time.perf_counter()
    responses = await asyncio.gather(*(client.get(path) for path in paths))
    return time.perf_counter() - started, list(responses)


@check("07.2", baseline=True)
async def an_assignee_is_looked_up(ctx: Check) -> None:
    """GET /assignees/{login} answers with the directory's person; a bad login gets 422."""
    use_known_latency(ctx)
    async with ctx.client() as client:
        found = await client.get("/assignees/ada.lovelace")
        refused = await client.get("/assignees/DROP%20TABLE")
    expect_status(found, 200)
    name = json_body(found).get("display_name")
    expect(name == "Ada Lovelace", expected="display_name 'Ada Lovelace'", got=name,
           response=found)
    expect_status(refused, 422, because="a login is lower-case letters and dots")


@check("07.2")
async def concurrent_lookups_overlap(ctx: Check) -> None:
    """Six lookups sent at once take about as long as one, not eight times as long."""
    use_known_latency(ctx)
    async with ctx.client() as client:
        for path in SLOW_ROUTES:
            await client.get(path)  # warm up: imports, first thread, first validation
            single, _ = await timed(client, path)
            together, responses = await timed(client, *[path] * CONCURRENT)
            for response in responses:
                expect_status(response, 200)
            ratio = together / single
            expect(
                ratio < MAX_RATIO,
                expected=f"{CONCURRENT} concurrent GET {path} to overlap: under {MAX_RATIO:g}x "
                "the time of one",
                got=f"{ratio:.1f}x the time of one: the requests ran one after another",
                response=responses[-1],
            )


@check("07.1")
async def the_heartbeat_answers_while_a_lookup_runs(ctx: Check) -> None:
    """GET /healthz answers while a slow lookup is still in progress, on every slow route."""
    use_known_latency(ctx)
    async with ctx.client() as client:
        await client.get("/healthz")
        for path in SLOW_ROUTES:
            slow = asyncio.create_task(client.get(path))
            await asyncio.sleep(LATENCY_SECONDS / 5)  # let the slow request start
            heartbeat = await client.get("/healthz")
            answered_first = not slow.done()
            await slow
            expect_status(heartbeat, 200)
            expect(
                answered_first,
                expected=f"/healthz to answer while GET {path} waits on the directory",
                got="/healthz was answered only after the lookup finished: the lookup blocked "
                "the event loop",
                response=heartbeat,
            )
