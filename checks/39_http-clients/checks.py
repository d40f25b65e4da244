"""Checks for lesson 39: one shared HTTP client, retries, a circuit breaker, gateway problems.

The directory is a fake: an `httpx.MockTransport` handed to `create_app(transport=...)`, which
keeps its own log of the calls it received and fails on cue. Time is fake too: the app gets a
clock the check moves by hand and a sleep that only records how long it was asked to wait, so
no check waits for a backoff or a cool-down. While a check runs, `httpx.AsyncClient` is a
subclass that counts the clients the app creates and remembers their arguments. One check
uses a real server on loopback that never answers, to prove the timeout is enforced.
"""

import asyncio
import contextlib
import itertools
import statistics
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

DIRECTORY_URL = "http://directory.test"
PERSON = {"login": "ada", "display_name": "Ada Lovelace"}
REMINDER = {"login": "ada", "text": "The release notes are due"}
WATCHDOG_SECONDS = 3.0  # 10x the timeout the silent-server check configures
# Settings the checks set; the README names them.
QUIET = {"APP_BREAKER_THRESHOLD": "1000", "APP_BREAKER_COOLDOWN_SECONDS": "30"}
Outcome = int | str  # a status code, or "timeout" / "unreachable" / "garbage" / "hold"


@dataclass
class Directory:
    """The fake upstream: answers each call from its script, and logs every call."""

    script: list[Outcome] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    failures_per_login: int = 0
    seen_logins: dict[str, int] = field(default_factory=dict)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(f"{request.method} {request.url.path}")
        outcome: Outcome = self.script.pop(0) if self.script else 200
        if self.failures_per_login and request.method == "GET":
            login = request.url.path.rsplit("/", 1)[-1]
            self.seen_logins[login] = self.seen_logins.get(login, 0) + 1
            outcome = 503 if self.seen_logins[login] <= self.failures_per_login else 200
        if outcome == "timeout":
            raise httpx.ReadTimeout("the directory did not answer", request=request)
        if outcome == "unreachable":
            raise httpx.ConnectError("connection refused", request=request)
        if outcome == "hold":
            await self.gate.wait()
            outcome = 200
        if outcome == "garbage":
            return httpx.Response(200, json={"unexpected": True})
        assert isinstance(outcome, int)
        if outcome >= 300:
            return httpx.Response(outcome, json={"error": "directory trouble"})
        if request.method == "POST":
            sent = httpx.Response(200, content=request.content).json()
            return httpx.Response(201, json={"id": 17, **sent})
        login = request.url.path.rsplit("/", 1)[-1]
        if login == "nobody":
            return httpx.Response(404, json={"error": "no such person"})
        return httpx.Response(200, json={**PERSON, "login": login})

    def count(self, method: str) -> int:
        return sum(call.startswith(method + " ") for call in self.calls)


@dataclass
class FakeTime:
    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)


@dataclass
class ClientWatch:
    """Every httpx.AsyncClient the app creates while the check runs, with its arguments."""

    clients: list[httpx.AsyncClient] = field(default_factory=list)
    arguments: list[dict[str, Any]] = field(default_factory=list)


@contextlib.contextmanager
def watched_clients() -> Iterator[ClientWatch]:
    watch = ClientWatch()
    original = httpx.AsyncClient

    class ObservedClient(original):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if not isinstance(kwargs.get("transport"), httpx.ASGITransport):  # the checks' own
                watch.clients.append(self)
                watch.arguments.append(kwargs)

    httpx.AsyncClient = ObservedClient  # type: ignore[misc]
    try:
        yield watch
    finally:
        httpx.AsyncClient = original  # type: ignore[misc]


@dataclass
class Service:
    client: httpx.AsyncClient
    directory: Directory
    time: FakeTime
    watch: ClientWatch


@contextlib.asynccontextmanager
async def service(
    ctx: Check, directory: Directory | None = None, /, **settings: str
) -> AsyncIterator[Service]:
    """The app from `create_app()` with the fake directory and fake time, lifespan running."""
    directory = directory or Directory()
    fake_time = FakeTime()
    ctx.setenv("APP_DIRECTORY_URL", DIRECTORY_URL)
    for name, value in {**QUIET, **settings}.items():
        ctx.setenv(name, value)
    with watched_clients() as watch:
        create_app = ctx.attribute("app.main", "create_app", required_by="39.1")
        app = create_app(
            transport=httpx.MockTransport(directory.handle),
            clock=fake_time.clock,
            sleep=fake_time.sleep,
        )
        async with ctx.client(app) as client:
            yield Service(client, directory, fake_time, watch)


def expect_problem(response: httpx.Response, status: int, because: str) -> None:
    expect_status(response, status, because=because)
    content_type = response.headers.get("content-type", "")
    body = json_body(response)
    expect(
        content_type.startswith("application/problem+json")
        and isinstance(body, dict)
        and body.get("status") == status,
        expected=f"a problem (application/problem+json, with `status: {status}`; lesson 09)",
        got=response,
        response=response,
    )


async def post_reminder(svc: Service) -> httpx.Response:
    """POST /reminders, for checks of other rules that need the POST to be sent once: a POST
    the app retried is rule 39.2's failure, reported there, not a failure of theirs."""
    before = svc.directory.count("POST")
    response = await svc.client.post("/reminders", json=REMINDER)
    sent = svc.directory.count("POST") - before
    if sent > 1:
        raise Blocked("39.2", f"one POST /reminders reached the directory {sent} times (it was "
                      "retried), so this check cannot tell what one failed call does")
    return response


# --- baseline: the service talks to the directory -----------------------------------------


@check("39.1", baseline=True)
async def an_assignee_is_read_from_the_directory(ctx: Check) -> None:
    """GET /assignees/{login} answers the directory's person; a bad login is refused unsent."""
    async with service(ctx) as svc:
        found = await svc.client.get("/assignees/ada")
        refused = await svc.client.get("/assignees/Robert'); DROP")
    expect_status(found, 200)
    expect(json_body(found).get("display_name") == PERSON["display_name"],
           expected=f"display_name {PERSON['display_name']!r}", got=found, response=found)
    expect_status(refused, 422, because="a login is lower-case letters, digits and dots")
    expect(svc.directory.calls == ["GET /people/ada"],
           expected="one directory call, for ada", got=f"directory calls: {svc.directory.calls}",
           response=refused)


@check("39.1", baseline=True)
async def a_reminder_is_posted_to_the_directory(ctx: Check) -> None:
    """POST /reminders posts the message to the directory once and answers 201."""
    async with service(ctx) as svc:
        response = await svc.client.post("/reminders", json=REMINDER)
    expect_status(response, 201)
    expect(svc.directory.calls == ["POST /messages"], expected="one POST /messages",
           got=f"directory calls: {svc.directory.calls}", response=response)


# --- 39.1 one client, from the lifespan, with timeouts and limits ---------------------------


@check("39.1")
async def one_client_serves_every_request(ctx: Check) -> None:
    """One AsyncClient, created by the lifespan (not at import, not per call), closed at stop."""
    ctx.setenv("APP_DIRECTORY_URL", DIRECTORY_URL)
    for name, value in QUIET.items():
        ctx.setenv(name, value)
    directory, fake_time = Directory(), FakeTime()
    with watched_clients() as watch:
        create_app = ctx.attribute("app.main", "create_app", required_by="39.1")
        at_import = len(watch.clients)
        app = create_app(transport=httpx.MockTransport(directory.handle),
                         clock=fake_time.clock, sleep=fake_time.sleep)
        async with ctx.client(app) as client:
            at_startup = len(watch.clients)
            for _ in range(3):
                await client.get("/assignees/ada")
                response = await client.post("/reminders", json=REMINDER)
            after_requests = len(watch.clients)
        still_open = sum(not each.is_closed for each in watch.clients)
    expect(
        at_import == 0,
        expected="no httpx.AsyncClient created when app.main is imported",
        got=f"{at_import} created at import: a client built at module level outlives every "
        "event loop and is never closed",
        response=response,
    )
    expect(
        at_startup == 1 and after_requests == 1,
        expected="exactly one httpx.AsyncClient, created in the lifespan, serving all 6 calls",
        got=f"{at_startup} client(s) after start-up, {after_requests} after 6 requests",
        response=response,
        note="a client per call opens a new connection pool (and TLS handshake) every time",
    )
    expect(still_open == 0, expected="the client closed when the lifespan ends",
           got=f"{still_open} client(s) still open after shutdown", response=response)


@check("39.1")
async def the_client_has_explicit_timeouts_and_limits(ctx: Check) -> None:
    """The client gets `timeout=` and `limits=` from the settings, with no phase unlimited."""
    async with service(ctx, APP_DIRECTORY_TIMEOUT_SECONDS="1.5",
                       APP_DIRECTORY_MAX_CONNECTIONS="7") as svc:
        response = await svc.client.get("/assignees/ada")
    expect(bool(svc.watch.arguments), expected="the app to create an httpx.AsyncClient",
           got="none was created", response=response)
    arguments = svc.watch.arguments[0]
    timeout = arguments.get("timeout", "(not given: httpx's default of 5 s)")
    phases = httpx.Timeout(timeout) if isinstance(timeout, httpx.Timeout | float | int) else None
    expect(
        phases is not None
        and None not in (phases.connect, phases.read, phases.write, phases.pool)
        and phases.read == 1.5,
        expected="timeout=httpx.Timeout(settings.directory_timeout_seconds): connect, read, "
        "write and pool all limited, read = APP_DIRECTORY_TIMEOUT_SECONDS (1.5)",
        got=f"timeout={timeout!r}",
        response=response,
    )
    limits = arguments.get("limits")
    expect(
        isinstance(limits, httpx.Limits) and limits.max_connections == 7,
        expected="limits=httpx.Limits(max_connections=APP_DIRECTORY_MAX_CONNECTIONS (7), ...)",
        got=f"limits={limits!r}" if limits is not None else "no limits= given",
        response=response,
        note="without a limit a traffic spike opens as many connections as there are "
        "requests, and the directory is the one that falls over",
    )


@dataclass
class SilentServer:
    """A real HTTP server on loopback that reads requests and never answers them."""

    requests: int = 0
    hung_up: int = 0
    server: asyncio.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            await reader.readuntil(b"\r\n\r\n")
            self.requests += 1
            await reader.read()  # returns when the client hangs up
            self.hung_up += 1
        writer.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"


@check("39.1")
async def a_silent_directory_is_cut_off_by_the_timeout(ctx: Check) -> None:
    """With a real silent server and a timeout of 0.3 seconds, the call is cut: 504."""
    silent = SilentServer()
    silent.server = await asyncio.start_server(silent.handle, "127.0.0.1", 0)
    ctx.setenv("APP_DIRECTORY_URL", silent.url)
    ctx.setenv("APP_DIRECTORY_TIMEOUT_SECONDS", "0.3")
    for name, value in QUIET.items():
        ctx.setenv(name, value)
    create_app = ctx.attribute("app.main", "create_app", required_by="39.1")
    fake_time = FakeTime()
    response: httpx.Response | None = None
    try:
        async with ctx.client(create_app(clock=fake_time.clock, sleep=fake_time.sleep)) as client:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(WATCHDOG_SECONDS):
                    response = await client.post("/reminders", json=REMINDER)
    finally:
        silent.server.close()
    expect(
        response is not None,
        expected="an answer soon after the timeout of 0.3 seconds (APP_DIRECTORY_TIMEOUT_SECONDS)",
        got=f"no answer after {WATCHDOG_SECONDS:g} seconds: the call to a silent directory was not "
        f"cut (the server got {silent.requests} request(s))",
        note="httpx's default is 5 s, and `timeout=None` waits forever",
    )
    assert response is not None
    if silent.requests > 1:
        raise Blocked("39.2", f"one POST /reminders reached the silent server {silent.requests} "
                      "times (it was retried), so the timeout alone cannot be judged")
    expect(response.status_code >= 500,
           expected="an error answer once the timeout cut the call (504: rule 39.4)",
           got=response, response=response)
    expect(silent.requests == 1 and silent.hung_up == 1,
           expected="the silent server to see one request, then the client hang up",
           got=f"{silent.requests} request(s), {silent.hung_up} hang-up(s)", response=response)


# --- 39.2 retries for idempotent calls only ----------------------------------------------


@check("39.2")
async def a_failing_get_is_retried_until_it_succeeds(ctx: Check) -> None:
    """A GET that fails with 503, a timeout and a refused connection succeeds on try 4."""
    directory = Directory(script=[503, "timeout", "unreachable", 200])
    async with service(ctx, directory, APP_DIRECTORY_ATTEMPTS="4") as svc:
        response = await svc.client.get("/assignees/ada")
    expect(
        response.status_code == 200 and directory.count("GET") == 4,
        expected="200 after 4 GETs to the directory (APP_DIRECTORY_ATTEMPTS=4)",
        got=f"{response.status_code} after {directory.count('GET')} GET(s)",
        response=response,
    )
    expect(
        len(svc.time.sleeps) == 3,
        expected="a wait before each of the 3 retries, through the injected sleep",
        got=f"waits asked of the injected sleep: {svc.time.sleeps}",
        response=response,
        note="call the `sleep` given to create_app(), not asyncio.sleep, so tests need not wait",
    )


@check("39.2")
async def a_get_is_tried_only_the_configured_times(ctx: Check) -> None:
    """A GET to a directory that keeps failing is tried exactly APP_DIRECTORY_ATTEMPTS times."""
    directory = Directory(script=[503] * 10)
    async with service(ctx, directory, APP_DIRECTORY_ATTEMPTS="2") as svc:
        response = await svc.client.get("/assignees/ada")
    expect(directory.count("GET") == 2,
           expected="2 GETs in all (APP_DIRECTORY_ATTEMPTS=2), then give up",
           got=f"{directory.count('GET')} GET(s)", response=response)


@check("39.2", baseline=True)
async def a_missing_person_is_not_retried(ctx: Check) -> None:
    """A 404 from the directory is an answer, not a failure: one call, and 404 to the client."""
    async with service(ctx, APP_DIRECTORY_ATTEMPTS="3") as svc:
        response = await svc.client.get("/assignees/nobody")
    expect(svc.directory.count("GET") == 1, expected="one GET: a 404 will not change on retry",
           got=f"{svc.directory.count('GET')} GETs", response=response)
    expect_status(response, 404, because="the directory knows no such person")


@check("39.2")
async def a_post_is_never_retried(ctx: Check) -> None:
    """A POST that fails (503, or a timeout) is sent once: a retry could send it twice."""
    for outcome in (503, "timeout"):
        directory = Directory(script=[outcome] * 5)
        async with service(ctx, directory, APP_DIRECTORY_ATTEMPTS="3") as svc:
            response = await svc.client.post("/reminders", json=REMINDER)
        expect(
            directory.count("POST") == 1 and not svc.time.sleeps,
            expected=f"one POST to the directory after a {outcome}, no retry",
            got=f"{directory.count('POST')} POSTs, {len(svc.time.sleeps)} wait(s) between them",
            response=response,
            note="the first POST may have been processed before it failed; repeating it can "
            "send the reminder twice. Retry only idempotent methods (GET, PUT, DELETE)",
        )


GROWTH_OVER_TWO_RETRIES = 2.7  # doubling: 4x (3.4x with added jitter); linear: 2x at most


@check("39.2", timeout=40)
async def the_backoff_grows_exponentially_with_jitter(ctx: Check) -> None:
    """Over 200 GETs that each fail 4 times, waits double per retry on average, and vary."""
    rounds = 200
    directory = Directory(failures_per_login=4)
    delays: list[list[float]] = []
    async with service(ctx, directory, APP_DIRECTORY_ATTEMPTS="5",
                       APP_DIRECTORY_BACKOFF_MAX_SECONDS="1000") as svc:
        for number in range(rounds):
            svc.time.sleeps.clear()
            response = await svc.client.get(f"/assignees/p{number}")
            if response.status_code != 200 or len(svc.time.sleeps) != 4:
                break
            delays.append(list(svc.time.sleeps))
    expect(
        len(delays) == rounds,
        expected="200 after 4 waits, for a GET that fails 4 times (APP_DIRECTORY_ATTEMPTS=5)",
        got=f"{response.status_code} after waits {svc.time.sleeps}",
        response=response,
    )
    means = [statistics.fmean(retry) for retry in zip(*delays, strict=True)]
    is_growing = means[0] > 0 and all(b > a for a, b in itertools.pairwise(means))
    expect(
        is_growing and means[3] >= GROWTH_OVER_TWO_RETRIES * means[1],
        expected="mean waits that grow exponentially: each retry waits about twice as long "
        f"as the one before (retry 4 at least {GROWTH_OVER_TWO_RETRIES:g}x retry 2; "
        "doubling gives 4x, linear growth 2x)",
        got=f"mean waits that grow, but by less than {GROWTH_OVER_TWO_RETRIES:g}x from retry 2 "
        "to retry 4 (linear?)"
        if is_growing
        else "mean waits that do not grow from one retry to the next",
        response=response,
        note="linear or fixed waits keep hammering a directory that is down",
    )
    distinct = len({round(first, 9) for first, *_ in delays})
    expect(
        distinct >= rounds // 2,
        expected="jitter: the first wait varies from call to call",
        got=f"{distinct} different first waits in {rounds} calls",
        response=response,
        note="without jitter every client that failed together retries together, in waves",
    )


@check("39.2")
async def the_backoff_is_capped(ctx: Check) -> None:
    """No wait exceeds APP_DIRECTORY_BACKOFF_MAX_SECONDS, however many retries there are."""
    directory = Directory(failures_per_login=7)
    async with service(ctx, directory, APP_DIRECTORY_ATTEMPTS="8",
                       APP_DIRECTORY_BACKOFF_SECONDS="1", APP_DIRECTORY_BACKOFF_MAX_SECONDS="3"
                       ) as svc:
        response = await svc.client.get("/assignees/ada")
    expect(
        len(svc.time.sleeps) == 7 and max(svc.time.sleeps) <= 3,
        expected="7 waits, none longer than 3 s (APP_DIRECTORY_BACKOFF_MAX_SECONDS=3, "
        "base 1 s: uncapped, retry 7 could wait 64 s)",
        got=f"{len(svc.time.sleeps)} waits, the longest "
        f"{'over' if svc.time.sleeps and max(svc.time.sleeps) > 3 else 'within'} the cap",
        response=response,
    )


# --- 39.3 circuit breaker ----------------------------------------------------------------

BREAKER = {"APP_BREAKER_THRESHOLD": "3", "APP_BREAKER_COOLDOWN_SECONDS": "30"}


async def trip(svc: Service) -> httpx.Response:
    """Three failing POSTs in a row (one call each, each failing in another way): enough to
    open a breaker of 3."""
    svc.directory.script[:0] = [503, "timeout", "unreachable"]
    for _ in range(3):
        response = await post_reminder(svc)
    return response


@check("39.3")
async def the_breaker_opens_after_n_failures(ctx: Check) -> None:
    """After 3 failures in a row, calls fail fast with a 503 problem; the directory sees none."""
    async with service(ctx, **BREAKER) as svc:
        await trip(svc)
        before = len(svc.directory.calls)
        blocked_post = await post_reminder(svc)
        blocked_get = await svc.client.get("/assignees/ada")
    expect(
        len(svc.directory.calls) == before,
        expected="no call reaches the directory while the breaker is open "
        "(APP_BREAKER_THRESHOLD=3)",
        got=f"directory calls after 3 failures: {svc.directory.calls[before:]}",
        response=blocked_get,
    )
    for response in (blocked_post, blocked_get):
        expect_problem(response, 503, because="the breaker is open: the directory is not called")
        retry_after = response.headers.get("retry-after", "")
        expect(
            retry_after.isdigit() and 1 <= int(retry_after) <= 30,
            expected="a Retry-After header: the whole seconds left of the 30 s cool-down",
            got=f"Retry-After: {retry_after or '(none)'}",
            response=response,
        )


@check("39.3")
async def an_answer_like_404_is_not_a_failure(ctx: Check) -> None:
    """Three 404s do not count toward the breaker (threshold 3); three 503s then open it."""
    directory = Directory(script=[200, 200, 200, 503, 503, 503])
    async with service(ctx, directory, **BREAKER) as svc:
        missing = [await svc.client.get("/assignees/nobody") for _ in range(3)]
        failed = [await post_reminder(svc) for _ in range(3)]
        before = len(directory.calls)
        response = await svc.client.get("/assignees/ada")
    expect(
        [answer.status_code for answer in missing] == [404, 404, 404]
        and directory.count("POST") == 3,
        expected="3 GETs of a missing person answered 404, then 3 POSTs reaching the "
        "directory: a 404 is an answer, not a failure of the directory",
        got=f"answers {[answer.status_code for answer in missing + failed]}; directory "
        f"calls {directory.calls}",
        response=failed[-1],
        note="count only 5xx answers, timeouts and refused connections",
    )
    expect(
        len(directory.calls) == before,
        expected="the breaker open after the 3 failed POSTs: the next GET never reaches "
        "the directory",
        got=f"it reached it: {directory.calls[before:]}",
        response=response,
    )
    expect_problem(response, 503, because="the breaker is open")


@check("39.3")
async def only_failures_in_a_row_open_the_breaker(ctx: Check) -> None:
    """Two failures, a success, two failures: the breaker (threshold 3) stays closed."""
    directory = Directory(script=[503, 503, 200, 503, 503])
    async with service(ctx, directory, **BREAKER) as svc:
        for _ in range(5):
            await post_reminder(svc)
        response = await post_reminder(svc)
    expect(
        directory.count("POST") == 6 and response.status_code == 201,
        expected="the 6th POST to reach the directory: a success resets the count",
        got=f"{directory.count('POST')} POSTs reached it; the 6th answered "
        f"{response.status_code}",
        response=response,
    )


@check("39.3")
async def the_breaker_half_opens_after_its_cooldown(ctx: Check) -> None:
    """29 s after opening it still refuses; after 31 s one trial call goes out and closes it."""
    async with service(ctx, **BREAKER) as svc:
        await trip(svc)
        svc.time.now += 29
        early = await svc.client.get("/assignees/ada")
        calls_early = len(svc.directory.calls)
        svc.time.now += 2
        trial = await svc.client.get("/assignees/ada")
        after = [await svc.client.get("/assignees/ada") for _ in range(2)]
    expect(
        calls_early == 3 and early.status_code == 503,
        expected="still open 29 s after opening (cool-down 30 s): 503, no call",
        got=f"{early.status_code}; directory calls {svc.directory.calls[3:calls_early]}",
        response=early,
    )
    expect(
        trial.status_code == 200 and all(each.status_code == 200 for each in after)
        and len(svc.directory.calls) == 6,
        expected="after the cool-down (by the injected clock) a trial call goes out; its "
        "success closes the breaker",
        got=f"trial {trial.status_code}, then {[each.status_code for each in after]}; "
        f"directory calls after the cool-down: {svc.directory.calls[calls_early:]}",
        response=trial,
        note="read time from the `clock` given to create_app(), so the cool-down can be tested",
    )


@check("39.3")
async def only_one_trial_call_goes_out_when_half_open(ctx: Check) -> None:
    """While the trial call after the cool-down is in flight, other calls still fail fast."""
    async with service(ctx, **BREAKER) as svc:
        await trip(svc)
        svc.time.now += 31
        svc.directory.script[:0] = ["hold"]
        trial = asyncio.ensure_future(svc.client.get("/assignees/ada"))
        for _ in range(200):
            if len(svc.directory.calls) > 3 or trial.done():
                break
            await asyncio.sleep(0)
        meanwhile: httpx.Response | None = None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(WATCHDOG_SECONDS):
                meanwhile = await svc.client.get("/assignees/grace")
        calls_meanwhile = svc.directory.calls[3:]
        svc.directory.gate.set()
        trial_response = await trial
    expect(
        meanwhile is not None,
        expected="the second call to fail fast while the trial call is in flight",
        got=f"no answer: it waited (directory calls after the cool-down: {calls_meanwhile})",
        response=trial_response,
    )
    assert meanwhile is not None
    expect(
        calls_meanwhile == ["GET /people/ada"] and meanwhile.status_code == 503,
        expected="one trial call only: a second call during the trial fails fast with 503",
        got=f"second call answered {meanwhile.status_code}; directory calls after the "
        f"cool-down: {calls_meanwhile}",
        response=meanwhile,
        note="half-open lets one call test the directory; a crowd of trial calls is what "
        "knocks a recovering service over again",
    )
    expect_status(trial_response, 200, because="the trial call succeeded")


@check("39.3")
async def a_failed_trial_opens_the_breaker_again(ctx: Check) -> None:
    """When the trial call after the cool-down fails, the breaker opens again at once."""
    async with service(ctx, **BREAKER) as svc:
        await trip(svc)
        svc.time.now += 31
        svc.directory.script[:0] = [503]
        trial = await post_reminder(svc)
        calls = len(svc.directory.calls)
        response = await post_reminder(svc)
    expect(
        trial.status_code == 502 and len(svc.directory.calls) == calls == 4
        and response.status_code == 503,
        expected="one trial call (502), then open again: the next call fails fast with 503",
        got=f"trial {trial.status_code}, next {response.status_code}; directory calls after "
        f"the cool-down: {svc.directory.calls[3:]}",
        response=response,
        note="in the half-open state one failure is enough; do not wait for N more",
    )


# --- 39.4 upstream failures become gateway problems --------------------------------------


@check("39.4")
async def a_failing_directory_is_a_502_problem(ctx: Check) -> None:
    """A directory answering 500 (GET after its retries, or POST) gives a 502 problem."""
    directory = Directory(script=[500] * 4)
    async with service(ctx, directory, APP_DIRECTORY_ATTEMPTS="3") as svc:
        got = await svc.client.get("/assignees/ada")
        posted = await post_reminder(svc)
    expect_problem(got, 502, because="the directory failed: a bad gateway, not our 500")
    expect_problem(posted, 502, because="the directory failed: a bad gateway, not our 500")


@check("39.4")
async def a_nonsense_answer_is_a_502_problem(ctx: Check) -> None:
    """A directory answering 200 with nonsense, to a GET or to the POST, gives a 502 problem."""
    async with service(ctx, Directory(script=["garbage", "garbage"])) as svc:
        response = await svc.client.get("/assignees/ada")
        posted = await post_reminder(svc)
    expect_problem(response, 502, because="the directory's answer does not validate")
    expect_problem(posted, 502,
                   because="the directory's answer to the POST is not a message either")


@check("39.4")
async def gateway_problems_are_documented(ctx: Check) -> None:
    """Both routes declare 502, 503 and 504 in the OpenAPI document."""
    async with service(ctx) as svc:
        response = await svc.client.get("/openapi.json")
    paths = json_body(response).get("paths", {})
    for path, method in (("/assignees/{login}", "get"), ("/reminders", "post")):
        declared = set(paths.get(path, {}).get(method, {}).get("responses", {}))
        missing = sorted({"502", "503", "504"} - declared)
        expect(not missing, expected=f"{method.upper()} {path} to declare 502, 503 and 504",
               got=f"declared: {sorted(declared)}", response=response)


@check("39.4")
async def an_unreachable_directory_is_a_502_problem(ctx: Check) -> None:
    """A refused connection to the directory gives a 502 problem, not a 500."""
    directory = Directory(script=["unreachable"] * 4)
    async with service(ctx, directory, APP_DIRECTORY_ATTEMPTS="3") as svc:
        got = await svc.client.get("/assignees/ada")
        posted = await post_reminder(svc)
    expect_problem(got, 502, because="the directory could not be reached")
    expect_problem(posted, 502, because="the directory could not be reached")


@check("39.4")
async def a_directory_timeout_is_a_504_problem(ctx: Check) -> None:
    """A directory that times out (GET after its retries, or POST) gives a 504 problem."""
    directory = Directory(script=["timeout"] * 4)
    async with service(ctx, directory, APP_DIRECTORY_ATTEMPTS="3") as svc:
        got = await svc.client.get("/assignees/ada")
        posted = await post_reminder(svc)
    expect_problem(got, 504, because="the directory did not answer in time: gateway timeout")
    expect_problem(posted, 504, because="the directory did not answer in time: gateway timeout")
