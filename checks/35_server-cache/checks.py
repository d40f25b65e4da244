"""Checks for lesson 35: a server-side cache, judged by the calls that reach the slow source.

The checks replace two dependencies of the app: `get_stats_source` (app/projects/
dependencies.py) by the same source wrapped in a counter that also makes each call slow, and
`get_clock` (app/core/clock.py) by a clock the check moves by hand. With `WORKBOOK_REDIS_URL`
set, every check runs on that Redis under its own key prefix; the Redis checks otherwise start
a private `redis-server` on a Unix socket for themselves.
"""

import asyncio
import contextlib
import shutil
import types
import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import Depends

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

ALICE = {"Authorization": "Bearer alice-token"}
BOB = {"Authorization": "Bearer bob-token"}
TTL_SECONDS = 30


# ---- the counting source and the manual clock ---------------------------------------------


@dataclass
class SourceCalls:
    """Every call that reached the slow source, and how many ran at once at most."""

    delay: float
    calls: list[str] = field(default_factory=list)
    active: int = 0
    most_at_once: int = 0

    def wrap(self, source: object) -> object:
        return CountingSource(source, self)


class CountingSource:
    def __init__(self, inner: object, log: SourceCalls) -> None:
        self._inner = inner
        self._log = log

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute
        log = self._log

        async def counted(*args: object, **kwargs: object) -> object:
            log.calls.append(f"{name}{args}{kwargs}")
            log.active += 1
            log.most_at_once = max(log.most_at_once, log.active)
            try:
                await asyncio.sleep(log.delay)  # the slow source: misses overlap
                result = attribute(*args, **kwargs)
                return await result if isinstance(result, Awaitable) else result
            finally:
                log.active -= 1

        return counted


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Instrumented:
    app: Any
    source: SourceCalls
    clock: ManualClock


def instrumented_app(ctx: Check, rule: str, delay: float = 0.05) -> Instrumented:
    """The app with its slow source counted and its clock in the check's hands."""
    original = ctx.attribute("app.projects.dependencies", "get_stats_source", required_by=rule)
    get_clock = ctx.attribute("app.core.clock", "get_clock", required_by=rule)
    app: Any = ctx.app()
    log = SourceCalls(delay)
    clock = ManualClock()
    # A copy of the learner's dependency (same parameters), so the override can depend on it.
    copy = types.FunctionType(
        original.__code__, original.__globals__, original.__name__, original.__defaults__,
        original.__closure__,
    )
    copy.__annotations__ = dict(original.__annotations__)
    copy.__kwdefaults__ = original.__kwdefaults__

    def counting_source(source: object = Depends(copy)) -> object:
        return log.wrap(source)

    app.dependency_overrides[original] = counting_source
    app.dependency_overrides[get_clock] = lambda: clock
    return Instrumented(app, log, clock)


# ---- data ---------------------------------------------------------------------------------


async def seeded_project(client: httpx.AsyncClient) -> str:
    """A project with three open tasks (alice 2, bob 1) and one done task (alice)."""
    response = await client.post("/projects", json={"name": "Apollo"}, headers=ALICE)
    expect_status(response, 201, because="a valid project is created")
    url = f"/projects/{json_body(response)['id']}"
    ids = []
    for title, assignee in (("design", "alice"), ("build", "alice"), ("test", "bob"),
                            ("plan", "alice")):
        created = await client.post(f"{url}/tasks", json={"title": title, "assignee": assignee},
                                    headers=ALICE)
        expect_status(created, 201, because="a valid task is created")
        ids.append(json_body(created)["id"])
    done = await client.patch(f"{url}/tasks/{ids[-1]}", json={"is_done": True}, headers=ALICE)
    expect_status(done, 200, because="a task can be marked done")
    return url


async def stats(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], status: str = "open"
) -> httpx.Response:
    return await client.get(f"{url}/stats", params={"status": status}, headers=headers)


def counts(response: httpx.Response) -> tuple[object, object]:
    expect_status(response, 200, because="the caller may read the project's statistics")
    body = json_body(response)
    return body.get("total"), body.get("mine")


def expect_counts(response: httpx.Response, total: int, mine: int, why: str) -> None:
    got = counts(response)
    expect(got == (total, mine), expected=f"total {total}, mine {mine} ({why})",
           got=response, response=response)


async def expect_cache_in_use(
    client: httpx.AsyncClient, target: Instrumented, url: str, headers: dict[str, str],
    status: str = "open",
) -> None:
    """Read once more what was just read: without a cache, this check has nothing to judge."""
    calls = len(target.source.calls)
    await stats(client, url, headers, status)
    if len(target.source.calls) > calls:
        raise Blocked("35.1", "a repeated read reached the slow source again: there is no "
                      "cache in front of it yet")


# ---- Redis --------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def a_redis(ctx: Check, rule: str) -> AsyncIterator[tuple[str, bool]]:
    """The URL of a Redis for this check and whether it is shared with other programs.

    WORKBOOK_REDIS_URL's Redis when configured (the app already has it and the prefix);
    otherwise a private redis-server on a Unix socket, stopped and gone afterwards.
    """
    if ctx.redis_url:
        yield ctx.redis_url, True
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise Blocked(rule, "no Redis to test against: set WORKBOOK_REDIS_URL or install "
                      "redis-server")
    socket = ctx.tmp_path / "redis.sock"
    process = await asyncio.create_subprocess_exec(
        binary, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            if socket.exists():
                break
            await asyncio.sleep(0.025)
        url = f"unix://{socket}?db=0"
        ctx.setenv("APP_REDIS_URL", url)
        yield url, False
    finally:
        process.terminate()
        await process.wait()


async def redis_keys(url: str, match: str = "*") -> set[str]:
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(url)
    try:
        return {key.decode("utf-8", "replace")
                async for key in client.scan_iter(match=match, count=1000)}
    finally:
        await client.aclose()


async def redis_ttls(url: str, match: str) -> dict[str, int]:
    """Keys matching `match` with their remaining time to live in ms (-1: none)."""
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=match, count=1000)]
        return {key.decode("utf-8", "replace"): await client.pttl(key) for key in keys}
    finally:
        await client.aclose()


def calls(log: SourceCalls) -> str:
    count = len(log.calls)
    return f"{count} call to the source" if count == 1 else f"{count} calls to the source"


def glob_escape(text: str) -> str:
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)


# ---- 35.1 time to live --------------------------------------------------------------------


@check("35.1", baseline=True)
async def stats_count_the_callers_tasks(ctx: Check) -> None:
    """Statistics count a status's tasks and the caller's share; 401, 404 and 422 as due."""
    async with ctx.client() as client:
        url = await seeded_project(client)
        expect_counts(await stats(client, url, ALICE), 3, 2, "alice's open tasks")
        expect_counts(await stats(client, url, BOB), 3, 1, "bob's open tasks")
        expect_counts(await stats(client, url, ALICE, "done"), 1, 1, "alice's done tasks")
        anonymous = await client.get(f"{url}/stats")
        missing = await stats(client, "/projects/999999", ALICE)
        invalid = await stats(client, url, ALICE, "someday")
    expect_status(anonymous, 401, because="statistics need a token")
    expect_status(missing, 404, because="no such project")
    expect_status(invalid, 422, because="a status is open or done")


@check("35.1")
async def a_repeated_read_is_served_from_the_cache(ctx: Check) -> None:
    """Three reads of the same statistics reach the slow source once."""
    target = instrumented_app(ctx, "35.1")
    async with ctx.client(target.app) as client:
        url = await seeded_project(client)
        answers = [await stats(client, url, ALICE) for _ in range(3)]
    for answer in answers:
        expect_counts(answer, 3, 2, "alice's open tasks")
    expect(len(target.source.calls) == 1,
           expected="1 call to the slow source for 3 identical reads (then the cache answers)",
           got=calls(target.source), response=answers[-1])


@check("35.1")
async def an_entry_expires_after_its_ttl(ctx: Check) -> None:
    """With APP_CACHE_TTL_SECONDS=30, a read 29 s later is cached, one 31 s later is not."""
    ctx.setenv("APP_REDIS_URL", "")  # Redis keeps its own time: expiry by the clock in memory
    ctx.setenv("APP_CACHE_TTL_SECONDS", str(TTL_SECONDS))
    target = instrumented_app(ctx, "35.1")
    async with ctx.client(target.app) as client:
        url = await seeded_project(client)
        first = await stats(client, url, ALICE)
        target.clock.now += TTL_SECONDS - 1
        fresh = await stats(client, url, ALICE)
        calls_while_fresh = len(target.source.calls)
        target.clock.now += 2
        expired = await stats(client, url, ALICE)
    for answer in (first, fresh, expired):
        expect_counts(answer, 3, 2, "alice's open tasks")
    expect(calls_while_fresh == 1,
           expected=f"1 call to the source: the entry is {TTL_SECONDS - 1} s old and its TTL is "
           f"{TTL_SECONDS} s (time comes from get_clock)",
           got=f"{calls_while_fresh} calls to the source", response=fresh)
    expect(len(target.source.calls) == 2,
           expected=f"a second call to the source {TTL_SECONDS + 1} s after the first: the "
           "entry has expired (the TTL comes from APP_CACHE_TTL_SECONDS, time from get_clock)",
           got=calls(target.source), response=expired)


@check("35.1")
async def redis_entries_expire(ctx: Check) -> None:
    """In Redis, every cache key carries a TTL of at most APP_CACHE_TTL_SECONDS."""
    ctx.setenv("APP_CACHE_TTL_SECONDS", str(TTL_SECONDS))
    async with a_redis(ctx, "35.1") as (url, _):
        target = instrumented_app(ctx, "35.1")
        async with ctx.client(target.app) as client:
            project = await seeded_project(client)
            response = await stats(client, project, ALICE)
            found = await redis_ttls(url, glob_escape(ctx.redis_prefix) + "*")
    expect_counts(response, 3, 2, "alice's open tasks")
    if not found:
        raise Blocked("35.5", "with APP_REDIS_URL set, no key under APP_REDIS_KEY_PREFIX was "
                      "written to Redis")
    forever = sorted(key.removeprefix(ctx.redis_prefix) for key, ttl in found.items()
                     if not 0 < ttl <= TTL_SECONDS * 1000)
    expect(not forever,
           expected=f"every key to expire within {TTL_SECONDS} s (SET with ex= or px=): Redis "
           "never forgets a key without one",
           got=f"keys without a TTL within {TTL_SECONDS} s: {forever}", response=response)


# ---- 35.2 invalidation --------------------------------------------------------------------


@check("35.2")
async def a_write_invalidates_every_readers_entry(ctx: Check) -> None:
    """After a new task or a task marked done, every user's next read shows the change."""
    target = instrumented_app(ctx, "35.2")
    async with ctx.client(target.app) as client:
        url = await seeded_project(client)
        expect_counts(await stats(client, url, ALICE), 3, 2, "alice's open tasks")
        expect_counts(await stats(client, url, BOB), 3, 1, "bob's open tasks")
        expect_counts(await stats(client, url, ALICE, "done"), 1, 1, "alice's done tasks")
        await expect_cache_in_use(client, target, url, BOB)
        created = await client.post(f"{url}/tasks", json={"title": "ship", "assignee": "bob"},
                                    headers=ALICE)
        expect_status(created, 201, because="a valid task is created")
        expect_counts(await stats(client, url, ALICE), 4, 2,
                      "alice wrote a task: her cached entry is stale")
        expect_counts(await stats(client, url, BOB), 4, 2,
                      "alice wrote a task for bob: bob's cached entry is stale too")
        task_id = json_body(created)["id"]
        updated = await client.patch(f"{url}/tasks/{task_id}", json={"is_done": True},
                                     headers=BOB)
        expect_status(updated, 200, because="a task can be marked done")
        expect_counts(await stats(client, url, ALICE), 3, 2,
                      "a task was marked done: the open count drops (an update invalidates too)")
        expect_counts(await stats(client, url, ALICE, "done"), 2, 1,
                      "a task was marked done: every status's entry is stale")


# ---- 35.3 the key -------------------------------------------------------------------------


@check("35.3")
async def users_never_see_each_others_entries(ctx: Check) -> None:
    """Alice's cached statistics are never served to bob, nor bob's to alice."""
    target = instrumented_app(ctx, "35.3")
    async with ctx.client(target.app) as client:
        url = await seeded_project(client)
        expect_counts(await stats(client, url, ALICE), 3, 2, "alice's open tasks")
        await expect_cache_in_use(client, target, url, ALICE)
        expect_counts(await stats(client, url, BOB), 3, 1,
                      "bob's share, not alice's cached answer: the key includes the user")
        expect_counts(await stats(client, url, ALICE), 3, 2, "alice's open tasks, again")


@check("35.3")
async def the_query_and_the_project_are_part_of_the_key(ctx: Check) -> None:
    """Another status or another project is another entry, never the cached one."""
    target = instrumented_app(ctx, "35.3")
    async with ctx.client(target.app) as client:
        url = await seeded_project(client)
        other = await client.post("/projects", json={"name": "Gemini"}, headers=ALICE)
        expect_status(other, 201, because="a valid project is created")
        expect_counts(await stats(client, url, ALICE), 3, 2, "alice's open tasks")
        await expect_cache_in_use(client, target, url, ALICE)
        expect_counts(await stats(client, url, ALICE, "done"), 1, 1,
                      "the done tasks, not the cached open ones: the key includes the query")
        expect_counts(await stats(client, f"/projects/{json_body(other)['id']}", ALICE), 0, 0,
                      "an empty project, not the cached one: the key includes the project")


# ---- 35.4 one computation for concurrent misses -------------------------------------------

CONCURRENT_READS = 20


@check("35.4")
async def concurrent_misses_compute_once(ctx: Check) -> None:
    """20 concurrent reads of one uncached entry reach the slow source once (in memory)."""
    ctx.setenv("APP_REDIS_URL", "")  # Redis: concurrent_misses_compute_once_in_redis
    target = instrumented_app(ctx, "35.4", delay=0.2)
    async with ctx.client(target.app) as client:
        url = await seeded_project(client)
        answers = await asyncio.gather(
            *(stats(client, url, ALICE) for _ in range(CONCURRENT_READS))
        )
    for answer in answers:
        expect_counts(answer, 3, 2, "alice's open tasks")
    expect(len(target.source.calls) == 1,
           expected=f"1 call to the slow source for {CONCURRENT_READS} concurrent reads of one "
           "key: the first miss computes, the others await that computation",
           got=calls(target.source), response=answers[-1])


@check("35.4")
async def concurrent_misses_compute_once_in_redis(ctx: Check) -> None:
    """With Redis, 20 concurrent reads of one uncached entry reach the slow source once."""
    async with a_redis(ctx, "35.4"):
        target = instrumented_app(ctx, "35.4", delay=0.2)
        async with ctx.client(target.app) as client:
            url = await seeded_project(client)
            # One burst per key, one after another: each leaves the app with the connections
            # to Redis a busy app has open, so the later bursts are not spaced out by
            # connecting to Redis one at a time.
            computed: list[int] = []
            first: list[httpx.Response] = []
            for headers, status in ((BOB, "open"), (ALICE, "open"), (ALICE, "done"),
                                    (BOB, "done")):
                before = len(target.source.calls)
                answers = await asyncio.gather(
                    *(stats(client, url, headers, status) for _ in range(CONCURRENT_READS))
                )
                computed.append(len(target.source.calls) - before)
                first = first or answers
                if computed[-1] > 1:
                    break
    for answer in answers:
        counts(answer)
    expect(all(count == 1 for count in computed),
           expected=f"1 call to the slow source for each burst of {CONCURRENT_READS} concurrent "
           "reads of one key (like this one; then the same for 3 other keys in turn) with the "
           "cache in Redis: the first miss computes, the others await that computation",
           # How many more compute depends on scheduling and Redis: not reported.
           got="more than 1 call to the slow source for one key's burst: several concurrent "
           "misses computed",
           response=first[-1],
           note="An await on Redis between a check and a set (look for the in-flight task, "
           "await Redis, register it; or EXISTS, then SET a lock key) lets every concurrent "
           "miss pass the check. Register with no await in between, or SET nx=True.")


@check("35.4")
async def different_keys_are_computed_side_by_side(ctx: Check) -> None:
    """Misses on different keys do not wait for each other (no lock around the whole cache)."""
    target = instrumented_app(ctx, "35.4", delay=0.5)
    async with ctx.client(target.app) as client:
        url = await seeded_project(client)
        answers = await asyncio.gather(
            stats(client, url, ALICE), stats(client, url, BOB), stats(client, url, ALICE, "done")
        )
        computed = len(target.source.calls)
        await expect_cache_in_use(client, target, url, BOB)
    expect_counts(answers[1], 3, 1, "bob's open tasks")
    expect(computed == 3 and target.source.most_at_once >= 2,
           expected="3 calls to the source, at least 2 running at once: one key's computation "
           "must not hold up another key's",
           got=f"{computed} calls, at most {target.source.most_at_once} at once",
           response=answers[-1])


# ---- 35.5 memory or Redis -----------------------------------------------------------------


@check("35.5")
async def without_redis_the_cache_is_in_memory(ctx: Check) -> None:
    """With APP_REDIS_URL empty, the app caches in its own memory and writes nothing to Redis."""
    ctx.setenv("APP_REDIS_URL", "")
    target = instrumented_app(ctx, "35.5")
    async with ctx.client(target.app) as client:
        url = await seeded_project(client)
        answers = [await stats(client, url, ALICE) for _ in range(2)]
    expect_counts(answers[-1], 3, 2, "alice's open tasks")
    expect(len(target.source.calls) == 1,
           expected="1 call to the source for 2 reads: without Redis, the cache is in memory",
           got=calls(target.source), response=answers[-1])
    if ctx.redis_url:
        written = await redis_keys(ctx.redis_url, glob_escape(ctx.redis_prefix) + "*")
        expect(not written, expected="no key in Redis while APP_REDIS_URL is empty",
               got=sorted(written), response=answers[-1])


@check("35.5")
async def each_lifespan_starts_with_an_empty_cache(ctx: Check) -> None:
    """The memory cache is made by the lifespan: a restart of the app forgets its entries."""
    ctx.setenv("APP_REDIS_URL", "")
    target = instrumented_app(ctx, "35.5")
    async with ctx.client(target.app) as client:
        url = await seeded_project(client)
        first = [await stats(client, url, ALICE) for _ in range(2)]
    expect_counts(first[-1], 3, 2, "alice's open tasks")
    expect(len(target.source.calls) == 1,
           expected="1 call to the source for 2 reads: the cache answers the second",
           got=calls(target.source), response=first[-1])
    # The same app started again: a fresh store, where the same project id has no tasks yet.
    async with ctx.client(target.app) as client:
        created = await client.post("/projects", json={"name": "Apollo"}, headers=ALICE)
        again = await stats(client, url, ALICE)
    expect_status(created, 201, because="a valid project is created")
    expect_counts(again, 0, 0, "the restarted app's project has no tasks: a cache made by the "
                  "lifespan, not at import time, holds nothing from the previous run")


@check("35.5")
async def with_redis_the_entries_live_in_redis_under_the_prefix(ctx: Check) -> None:
    """With APP_REDIS_URL set, entries live in Redis, every key under APP_REDIS_KEY_PREFIX."""
    async with a_redis(ctx, "35.5") as (url, is_shared):
        before = await redis_keys(url) if is_shared else set()
        target = instrumented_app(ctx, "35.5")
        async with ctx.client(target.app) as client:
            project = await seeded_project(client)
            expect_counts(await stats(client, project, ALICE), 3, 2, "alice's open tasks")
            keys = await redis_keys(url)
            mine = await redis_keys(url, glob_escape(ctx.redis_prefix) + "*")
            await delete_keys(url, mine)
            # With the entry gone from Redis, only a cache held elsewhere could still answer.
            response = await stats(client, project, ALICE)
        strays = sorted(
            key for key in keys
            if not key.startswith(ctx.redis_prefix)
            and (not is_shared or (key not in before and not key.startswith("workbook:")))
        )
        await delete_keys(url, set(strays))  # leave nothing behind in a shared Redis
    expect_counts(response, 3, 2, "alice's open tasks")
    expect(not strays,
           expected="every key under APP_REDIS_KEY_PREFIX, so services "
           "sharing a Redis never collide and the keys can be found and deleted",
           got=f"keys outside the prefix: {strays}", response=response)
    expect(bool(mine) and len(target.source.calls) == 2,
           expected="the entry in Redis under the prefix, and read from there: once the check "
           "deleted it, the next read reached the source again (2 calls in all)",
           got=f"{len(mine)} keys under the prefix, {calls(target.source)}", response=response)


@check("35.5")
async def the_lifespan_closes_the_redis_client(ctx: Check) -> None:
    """With APP_REDIS_URL set, the app's Redis connections are closed when its lifespan ends."""
    async with a_redis(ctx, "35.5") as (url, _):
        name = f"workbook35-{uuid.uuid4().hex[:12]}"
        ctx.setenv("APP_REDIS_URL", f"{url}{'&' if '?' in url else '?'}client_name={name}")
        target = instrumented_app(ctx, "35.5")
        async with ctx.client(target.app) as client:
            project = await seeded_project(client)
            response = await stats(client, project, ALICE)
            during = await named_clients(url, name)
        await asyncio.sleep(0.1)
        after = await named_clients(url, name)
    expect_counts(response, 3, 2, "alice's open tasks")
    expect(during > 0 and after == 0,
           expected="the app connected to APP_REDIS_URL while running, and the lifespan closed "
           "the client when the app stopped (no connection left open)",
           got=f"{during} connection(s) while running, {after} still open after shutdown",
           response=response)


async def named_clients(url: str, name: str) -> int:
    """How many connections to the Redis carry the client name `name`."""
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(url)
    try:
        found = await client.client_list()
        return sum(1 for entry in found if entry.get("name") == name)
    finally:
        await client.aclose()


async def delete_keys(url: str, keys: set[str]) -> None:
    import redis.asyncio

    if not keys:
        return
    client = redis.asyncio.Redis.from_url(url)
    try:
        await client.delete(*keys)
    finally:
        await client.aclose()
