"""Checks for lesson 32: liveness and readiness probes that tell the truth, quickly.

The database is made unreachable for real, never through a flag of the app's:

- SQLite: the database file's header is overwritten in place (every connection then reads
  "file is not a database"), and restored; a hung database is an exclusive lock held by
  another connection (every read waits for it).
- PostgreSQL: the app connects through a TCP proxy on loopback that the check controls:
  down, the proxy drops every connection and refuses new ones (as a wrong port or a stopped
  server would); hung, it accepts connections and forwards nothing.

The portable checks know nothing of the tasks domain: they look for the probe routes at
their conventional paths and send unauthenticated GETs.
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

API_KEY = "key-for-lesson-32-checks"
LIVENESS_PATHS = ("/healthz", "/livez", "/health/live", "/live", "/health/liveness")
READINESS_PATHS = ("/readyz", "/health/ready", "/ready", "/health/readiness")
BUDGET_SECONDS = 0.5
# How long a hung database stays hung while the check waits for an answer: eight budgets,
# less than the five seconds SQLite's driver waits for a lock before giving up by itself.
HUNG_SECONDS = 8 * BUDGET_SECONDS
# A budget longer than the database's delay, to tell the setting from a literal in the code:
# the database answers after SLOW_SECONDS, within LONG_BUDGET_SECONDS (both under the five
# seconds SQLite's driver waits for a lock, and HUNG_SECONDS, the time a hung probe may take).
LONG_BUDGET_SECONDS = 6.0
SLOW_SECONDS = 3.0
PROBE_REQUESTS = 100  # more than the rate limit the checks set (20 a minute)
RATE_LIMIT = "20"


# --- making the database unreachable -------------------------------------------------------------


class Outage:
    """Turns the app's database off, hangs it, and brings it back."""

    async def down(self) -> None:
        raise NotImplementedError

    async def hang(self) -> None:
        raise NotImplementedError

    async def restore(self) -> None:
        raise NotImplementedError

    async def stall(self) -> None:
        """Slow, not gone: what the app asks waits, and is answered once `resume()` is called."""
        await self.hang()

    async def resume(self) -> None:
        await self.restore()


@dataclass
class SqliteOutage(Outage):
    path: Path
    header: bytes = b""
    lock: sqlite3.Connection | None = None

    async def down(self) -> None:
        with self.path.open("r+b") as database:
            self.header = database.read(100)
            database.seek(0)
            database.write(b"\0" * 100)  # same file, same inode: open connections see it too

    async def hang(self) -> None:
        self.lock = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        self.lock.execute("BEGIN EXCLUSIVE")

    async def restore(self) -> None:
        if self.header:
            with self.path.open("r+b") as database:
                database.write(self.header)
            self.header = b""
        if self.lock is not None:
            self.lock.execute("ROLLBACK")
            self.lock.close()
            self.lock = None


@dataclass
class ProxyOutage(Outage):
    """A TCP proxy in front of PostgreSQL, on 127.0.0.1."""

    host: str
    port: int
    mode: str = "up"
    sockets: set[asyncio.StreamWriter] = field(default_factory=set)
    pumps: set["asyncio.Task[None]"] = field(default_factory=set)
    # Cleared while stalled: data and new connections wait for it instead of being dropped.
    flowing: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.flowing.set()

    async def handle(self, client_reader: asyncio.StreamReader,
                     client_writer: asyncio.StreamWriter) -> None:
        if self.mode == "down":
            client_writer.close()
            return
        self.sockets.add(client_writer)
        if self.mode == "hung":
            return  # accepted, never answered
        await self.flowing.wait()
        if self.mode != "up":
            client_writer.close()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(self.host, self.port)
        except OSError:
            client_writer.close()
            return
        self.sockets.add(server_writer)
        for reader, writer in ((client_reader, server_writer), (server_reader, client_writer)):
            pump = asyncio.create_task(self.pump(reader, writer))
            self.pumps.add(pump)
            pump.add_done_callback(self.pumps.discard)

    async def pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                await self.flowing.wait()  # stalled: held until the database answers again
                if self.mode != "up":
                    return  # hung or down: this connection never delivers again
                writer.write(data)
                await writer.drain()
        writer.close()

    def drop_all(self) -> None:
        for pump in list(self.pumps):
            pump.cancel()
        for writer in list(self.sockets):
            writer.close()
        self.sockets.clear()

    async def down(self) -> None:
        self.mode = "down"
        self.drop_all()

    async def hang(self) -> None:
        self.mode = "hung"

    async def restore(self) -> None:
        self.drop_all()  # what hung is gone, as after a network failure
        self.mode = "up"
        self.flowing.set()

    async def stall(self) -> None:
        self.mode = "stalled"
        self.flowing.clear()

    async def resume(self) -> None:
        self.mode = "up"
        self.flowing.set()  # what was held goes through: slow, but answered


@contextlib.asynccontextmanager
async def controllable_database(ctx: Check) -> AsyncIterator[Outage]:
    """The check's database, reachable by the app until the check says otherwise."""
    url = make_url(ctx.database_url)
    if url.get_backend_name() == "sqlite":
        yield SqliteOutage(Path(str(url.database)))
        return
    proxy = ProxyOutage(url.host or "127.0.0.1", url.port or 5432)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    ctx.setenv("APP_DATABASE_URL",
               url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False))
    try:
        yield proxy
    finally:
        proxy.mode = "down"
        proxy.flowing.set()
        proxy.drop_all()
        server.close()


# --- finding the probes ---------------------------------------------------------------------------


def configure(ctx: Check) -> None:
    ctx.setenv("APP_API_KEY", API_KEY)
    ctx.setenv("APP_RATE_LIMIT_PER_MINUTE", RATE_LIMIT)
    ctx.setenv("APP_READINESS_TIMEOUT_SECONDS", str(BUDGET_SECONDS))


async def find_probe(client: httpx.AsyncClient, kind: str, *, blocks: str = "") -> str:
    """The path of the liveness or readiness probe: the first conventional path served.

    Missing, it fails the check, or with `blocks="32.3"` blocks it on the probe's own rule.
    """
    paths = LIVENESS_PATHS if kind == "liveness" else READINESS_PATHS
    for path in paths:
        response = await client.get(path)
        if response.status_code in (401, 403, 429) and not blocks:
            # The probe is there but behind the key or the rate limit: rule 32.3's business.
            raise Blocked("32.3", f"GET {path} answered {response.status_code} without "
                          "credentials, so the probe cannot be graded")
        if response.status_code not in (404, 405):
            return path
    if blocks:
        raise Blocked("32.1" if kind == "liveness" else "32.2",
                      f"no {kind} probe at any of {', '.join(paths)}")
    expect(False, expected=f"a {kind} probe at one of {', '.join(paths)}",
           got="404 for every one of them")
    raise AssertionError  # unreachable: expect raised


def is_problem(response: httpx.Response, status: int) -> bool:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return False
    body = response.json()
    return isinstance(body, dict) and body.get("status") == status and "title" in body


async def timed_get(client: httpx.AsyncClient, path: str) -> httpx.Response | None:
    """GET `path`; None if no answer came within HUNG_SECONDS (the database stays hung)."""
    return await timed_get_of(asyncio.ensure_future(client.get(path)))


async def timed_get_of(request: "asyncio.Future[httpx.Response]") -> httpx.Response | None:
    """The answer to a request in flight; None if none came within HUNG_SECONDS."""
    done, _ = await asyncio.wait({request}, timeout=HUNG_SECONDS)
    if request in done:
        return request.result()
    request.cancel()
    with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
        await request
    return None


# --- baseline ----------------------------------------------------------------------


@check("32.3", baseline=True)
async def tasks_need_the_key_and_are_rate_limited(ctx: Check) -> None:
    """Task routes answer 401 without X-API-Key and 429 past the rate limit."""
    configure(ctx)
    headers = {"X-API-Key": API_KEY}
    async with ctx.client() as client:
        anonymous = await client.get("/tasks")
        created = await client.post("/tasks", json={"title": "Ship it"}, headers=headers)
        statuses = [(await client.get("/tasks", headers=headers)).status_code
                    for _ in range(int(RATE_LIMIT) + 5)]
    expect_status(anonymous, 401, because="task routes need the API key")
    expect_status(created, 201, because="a valid task is created with the key")
    expect(statuses.count(429) >= 5,
           expected=f"429 once a client passes {RATE_LIMIT} requests a minute",
           got=f"statuses {sorted(set(statuses))}", response=created)


# --- 32.1 ----------------------------------------------------------------------


@check("32.1")
async def liveness_answers_with_the_database_down(ctx: Check) -> None:
    """With the database unreachable, liveness still answers 200: it touches nothing."""
    configure(ctx)
    async with controllable_database(ctx) as database, ctx.client() as client:
        path = await find_probe(client, "liveness")
        await database.down()
        try:
            response = await client.get(path)
        finally:
            await database.restore()
    expect_status(response, 200, because=f"the process is alive; the database ({ctx.backend}) "
                  "being down is readiness' business, and restarting the service would not "
                  "bring it back")


@check("32.1", timeout=40)
async def liveness_answers_with_the_database_hung(ctx: Check) -> None:
    """With the database hung, liveness answers 200 at once, not after the database."""
    configure(ctx)
    async with controllable_database(ctx) as database, ctx.client() as client:
        path = await find_probe(client, "liveness")
        await database.hang()
        try:
            response = await timed_get(client, path)
        finally:
            await database.restore()
    expect(
        response is not None,
        expected=f"an answer while the database ({ctx.backend}) is hung: liveness waits for "
        "nothing",
        got=f"no answer within {HUNG_SECONDS:g} s",
    )
    assert response is not None
    expect_status(response, 200, because="the process is alive")


# --- 32.2 ----------------------------------------------------------------------


@check("32.2")
async def readiness_follows_the_database(ctx: Check) -> None:
    """Readiness: 200 with the database up, 503 problem when it is unreachable, 200 when back."""
    configure(ctx)
    async with controllable_database(ctx) as database, ctx.client() as client:
        path = await find_probe(client, "readiness")
        up = await client.get(path)
        await database.down()
        try:
            down = await client.get(path)
        finally:
            await database.restore()
        back = await client.get(path)
    expect_status(up, 200, because="the database answers")
    expect(
        down.status_code == 503 and is_problem(down, 503),
        expected=f"503 with an application/problem+json body (status 503, a title) while the "
        f"database ({ctx.backend}) is unreachable: the instance must leave the load balancer",
        got=down,
        response=down,
    )
    expect_status(back, 200, because="the database is back: readiness checks it every time, "
                  "it does not remember a verdict")


@check("32.2", timeout=40)
async def readiness_answers_within_its_budget(ctx: Check) -> None:
    """With the database hung, readiness answers 503 within its time budget, then 200 when back."""
    configure(ctx)
    async with controllable_database(ctx) as database, ctx.client() as client:
        path = await find_probe(client, "readiness")
        up = await client.get(path)
        await database.hang()
        try:
            hung = await timed_get(client, path)
        finally:
            await database.restore()
        back = await client.get(path)
    expect_status(up, 200, because="the database answers")
    expect(
        hung is not None,
        expected=f"an answer while the database ({ctx.backend}) is hung, within the budget "
        f"APP_READINESS_TIMEOUT_SECONDS={BUDGET_SECONDS:g}: a probe that hangs is a probe that "
        "times out, and requests pile up behind it",
        got=f"no answer within {HUNG_SECONDS:g} s (eight budgets)",
    )
    assert hung is not None
    expect(hung.status_code == 503 and is_problem(hung, 503),
           expected="503 with a problem body: a database that does not answer in time is not "
           "ready", got=hung, response=hung)
    expect_status(back, 200, because="the database is back")


@check("32.2", timeout=40)
async def readiness_waits_as_long_as_its_budget(ctx: Check) -> None:
    """With a budget of 6 s, a database that answers after 3 s is ready: the budget is the setting.

    The probe waits for the database as long as APP_READINESS_TIMEOUT_SECONDS says, not for
    a duration written in the code."""
    configure(ctx)
    ctx.setenv("APP_READINESS_TIMEOUT_SECONDS", f"{LONG_BUDGET_SECONDS:g}")
    async with controllable_database(ctx) as database, ctx.client() as client:
        path = await find_probe(client, "readiness")
        up = await client.get(path)
        await database.stall()
        try:
            probe = asyncio.ensure_future(client.get(path))
            await asyncio.wait({probe}, timeout=SLOW_SECONDS)
        finally:
            await database.resume()
        slow = await timed_get_of(probe)
    expect_status(up, 200, because="the database answers")
    expect(
        slow is not None,
        expected=f"an answer once the database ({ctx.backend}) answered, {SLOW_SECONDS:g} s "
        f"into a budget of {LONG_BUDGET_SECONDS:g} s",
        got=f"no answer within {HUNG_SECONDS:g} s more",
    )
    assert slow is not None
    expect_status(slow, 200, because=f"APP_READINESS_TIMEOUT_SECONDS={LONG_BUDGET_SECONDS:g} and "
                  f"the database ({ctx.backend}) answered the read after {SLOW_SECONDS:g} s, "
                  "within that budget: wait as long as Settings.readiness_timeout_seconds says, "
                  "not for a duration written in the code")


@check("32.2", timeout=60)
async def hung_probes_share_one_read(ctx: Check) -> None:
    """With the database hung, repeated probes wait on the read already running.

    Each probe answers 503 within its budget; the abandoned read is not started again by
    every probe, or reads pile up (a task, a connection each) while the database is away."""
    configure(ctx)
    async with controllable_database(ctx) as database, ctx.client() as client:
        path = await find_probe(client, "readiness")
        up = await client.get(path)
        await database.hang()
        try:
            first = await timed_get(client, path)
            before = len(asyncio.all_tasks())
            later = [await timed_get(client, path) for _ in range(4)]
            after = len(asyncio.all_tasks())
        finally:
            await database.restore()
    expect_status(up, 200, because="the database answers")
    answers = [first, *later]
    expect(
        all(answer is not None and answer.status_code == 503 for answer in answers),
        expected="503 from each of five probes while the database is hung",
        got=[None if answer is None else answer.status_code for answer in answers],
    )
    expect(
        after - before <= 1,
        expected="four more probes of a hung database to wait on the read that is already "
        "running, not to start one each: keep the pending read and wait for it with "
        "asyncio.wait({task}, timeout=budget)",
        got=f"{after - before} more tasks in flight after four more probes",
    )


# --- 32.3 ----------------------------------------------------------------------


@check("32.3", portable=True)
async def probes_answer_without_credentials(ctx: Check) -> None:
    """Liveness and readiness answer 200 to a GET with no credentials at all."""
    configure(ctx)
    async with ctx.client() as client:
        answers = [await client.get(await find_probe(client, kind, blocks="32.3"))
                   for kind in ("liveness", "readiness")]
    for response in answers:
        expect_status(response, 200, because="an orchestrator probes without credentials; a "
                      "401 there takes every instance out of service")


@check("32.3", portable=True)
async def probes_are_never_rate_limited(ctx: Check) -> None:
    """A hundred probes in a row all answer 200: probes are exempt from rate limits."""
    configure(ctx)
    async with ctx.client() as client:
        paths = [await find_probe(client, kind, blocks="32.3")
                 for kind in ("liveness", "readiness")]
        answers = [await client.get(path) for path in paths for _ in range(PROBE_REQUESTS)]
    refused = [response for response in answers if response.status_code != 200]
    expect(
        not refused,
        expected=f"{PROBE_REQUESTS} answers of 200 from each probe: orchestrators, load "
        "balancers and monitors all probe, often, from few addresses",
        got=f"{len(refused)} of {len(answers)} were not 200, the first: "
        + (f"{refused[0].status_code}" if refused else ""),
        response=refused[0] if refused else None,
    )


@check("32.3")
async def probes_answer_after_the_client_is_rate_limited(ctx: Check) -> None:
    """A client that exhausted its rate limit on /tasks still gets 200 from both probes."""
    configure(ctx)
    headers = {"X-API-Key": API_KEY}
    async with ctx.client() as client:
        paths = [await find_probe(client, kind, blocks="32.3")
                 for kind in ("liveness", "readiness")]
        limited = [await client.get("/tasks", headers=headers)
                   for _ in range(int(RATE_LIMIT) + 5)][-1]
        answers = [await client.get(path) for path in paths]
    expect_status(limited, 429, because="the client passed the rate limit on /tasks")
    for response in answers:
        expect_status(response, 200, because="the probes do not count against, nor obey, a "
                      "client's rate limit")
        body = json_body(response)
        expect(isinstance(body, dict), expected="a JSON object", got=response, response=response)
