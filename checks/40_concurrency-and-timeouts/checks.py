"""Checks for lesson 40: independent calls at once, one failure cancels the rest, a budget.

The project-data service is a fake: an `httpx.MockTransport` handed to
`create_app(transport=...)`. Its handler is a coroutine that runs in the app's own task, so
it sees what the app does to its calls: it counts how many are in flight at once, and
records each call that is cancelled and each that completes. Calls either take a fixed
0.2 s or wait at a gate the check opens. Concurrency is proven by the fake's own count of
calls in flight; elapsed time is used once, as a generous ratio against the same three
calls made one after another in the same check. Every other wait is a watchdog.
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

SOURCES = ("tasks", "members", "milestones")
LATENCY_SECONDS = 0.2
MAX_RATIO = 0.67  # together: about 1/3 of the three in a row; in a row: about 1
BUDGET_SECONDS = "0.3"
WATCHDOG_SECONDS = 3.0  # 10x the budget
ANSWERS: dict[str, list[dict[str, object]]] = {
    "tasks": [{"id": 1, "title": "Draft the plan"}, {"id": 2, "title": "Review the plan"}],
    "members": [{"login": "ada"}, {"login": "grace"}],
    "milestones": [{"name": "Beta", "due": "2026-12-01"}],
}


@dataclass
class ProjectData:
    """The fake upstream. `behaviour[source]`: "latency", "hold" (until `gate`), or "fail"."""

    behaviour: dict[str, str] = field(default_factory=dict)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    in_flight: int = 0
    max_in_flight: int = 0
    calls: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        source = request.url.path.rsplit("/", 1)[-1]
        self.calls.append(request.url.path)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            behaviour = self.behaviour.get(source, "latency")
            if behaviour == "fail":
                return httpx.Response(500, json={"error": "the database is down"})
            if behaviour == "hold":
                await self.gate.wait()
            else:
                await asyncio.sleep(LATENCY_SECONDS)
            self.completed.append(source)
            return httpx.Response(200, json=ANSWERS.get(source, []))
        except asyncio.CancelledError:
            self.cancelled.append(source)
            raise
        finally:
            self.in_flight -= 1


@contextlib.asynccontextmanager
async def service(ctx: Check, data: ProjectData, **settings: str) -> AsyncIterator[
    httpx.AsyncClient
]:
    ctx.setenv("APP_UPSTREAM_URL", "http://projects.test")
    for name, value in settings.items():
        ctx.setenv(name, value)
    create_app = ctx.attribute("app.main", "create_app", required_by="40.1")
    async with ctx.client(create_app(transport=httpx.MockTransport(data.handle))) as client:
        try:
            yield client
        finally:
            data.gate.set()


async def answer_within_watchdog(
    client: httpx.AsyncClient, path: str
) -> httpx.Response | None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(WATCHDOG_SECONDS):
            return await client.get(path)
    return None


async def settle(turns: int = 50) -> None:
    """Give the event loop many turns, so work that is not held can run on."""
    for _ in range(turns):
        await asyncio.sleep(0)


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


# --- 40.1 independent calls at once -------------------------------------------------------


@check("40.1", baseline=True)
async def an_overview_combines_the_three_sources(ctx: Check) -> None:
    """GET /projects/{id}/overview answers the tasks, members and milestones of the project."""
    data = ProjectData()
    async with service(ctx, data) as client:
        response = await client.get("/projects/12/overview")
        refused = await client.get("/projects/0/overview")
    expect_status(response, 200)
    body = json_body(response)
    expect(
        all(body.get(source) == ANSWERS[source] for source in SOURCES)
        and body.get("project_id") == 12,
        expected=f"project_id 12 and {ANSWERS}",
        got=response,
        response=response,
    )
    expect(sorted(data.calls) == sorted(f"/projects/12/{source}" for source in SOURCES),
           expected="one call per source, for project 12", got=f"calls: {data.calls}",
           response=response)
    expect_status(refused, 422, because="a project id is a positive integer")


@check("40.1")
async def the_three_calls_run_concurrently(ctx: Check) -> None:
    """The upstream sees all three calls in flight at once; the overview takes well under the
    time of the same three calls made one after another."""
    data = ProjectData()
    async with service(ctx, data) as client:
        await client.get("/projects/12/overview")  # warm up: imports, first validation
        data.max_in_flight = 0
        upstream = httpx.AsyncClient(transport=httpx.MockTransport(data.handle),
                                     base_url="http://projects.test")
        async with upstream:
            started = time.perf_counter()
            for source in SOURCES:
                await upstream.get(f"/projects/12/{source}")
            one_after_another = time.perf_counter() - started
        data.max_in_flight = 0
        started = time.perf_counter()
        response = await client.get("/projects/12/overview")
        overview = time.perf_counter() - started
    expect_status(response, 200)
    expect(
        data.max_in_flight == len(SOURCES),
        expected="the upstream to see all 3 calls in flight at the same time",
        got=f"at most {data.max_in_flight} call(s) in flight at once: the calls waited for "
        "each other",
        response=response,
        note="start all three, then wait for all three: `asyncio.TaskGroup` (or gather)",
    )
    ratio = overview / one_after_another
    expect(
        ratio < MAX_RATIO,
        expected=f"the overview in under {MAX_RATIO:g}x the time of the 3 calls one after "
        "another (about 1/3 when they overlap)",
        got=f"{ratio:.1f}x",
        response=response,
    )


# --- 40.2 one failure cancels the siblings ------------------------------------------------


@check("40.2", baseline=True)
async def a_failing_source_gives_a_502_problem(ctx: Check) -> None:
    """When one source answers 500, the overview is a 502 problem."""
    data = ProjectData(behaviour={"milestones": "fail"})
    async with service(ctx, data) as client:
        response = await client.get("/projects/12/overview")
    expect_problem(response, 502, because="a source of the overview failed: bad gateway")


@check("40.2")
async def one_failure_cancels_the_siblings(ctx: Check) -> None:
    """When one call fails, the calls still running are cancelled before the 502 is sent."""
    data = ProjectData(behaviour={"tasks": "hold", "members": "fail", "milestones": "hold"})
    async with service(ctx, data, APP_OVERVIEW_BUDGET_SECONDS="60") as client:
        response = await answer_within_watchdog(client, "/projects/12/overview")
        cancelled_at_answer = sorted(data.cancelled)
        data.gate.set()
        await settle()
    expect(
        response is not None,
        expected="a 502 soon after the members call failed",
        got=f"no answer while the other calls were held (calls started: {data.calls})",
        note="the calls ran one after another, or the answer waited for every call to end",
    )
    assert response is not None
    expect_problem(response, 502, because="a source of the overview failed: bad gateway")
    expect(
        cancelled_at_answer == ["milestones", "tasks"],
        expected="the tasks and milestones calls cancelled by the time the 502 was sent",
        got=f"cancelled: {cancelled_at_answer or 'none'}; they went on after the answer "
        f"(completed later: {sorted(data.completed) or 'none'})",
        response=response,
        note="`asyncio.gather` lets the other awaitables run on when one fails; "
        "`asyncio.TaskGroup` cancels them and waits until they have stopped",
    )


async def declared_statuses(ctx: Check) -> tuple[httpx.Response, set[str]]:
    async with service(ctx, ProjectData()) as client:
        response = await client.get("/openapi.json")
    operation = json_body(response).get("paths", {}).get("/projects/{project_id}/overview", {})
    return response, set(operation.get("get", {}).get("responses", {}))


@check("40.2")
async def the_overview_declares_its_502(ctx: Check) -> None:
    """The overview route declares its 502 answer in the OpenAPI document."""
    response, declared = await declared_statuses(ctx)
    expect("502" in declared, expected="GET /projects/{project_id}/overview to declare 502",
           got=f"declared: {sorted(declared)}", response=response)


# --- 40.3 a time budget per request -------------------------------------------------------


@check("40.3")
async def a_blown_budget_is_a_504_problem(ctx: Check) -> None:
    """With a budget of 0.3 seconds and sources that never answer, the overview is a 504."""
    data = ProjectData(behaviour=dict.fromkeys(SOURCES, "hold"))
    async with service(ctx, data, APP_OVERVIEW_BUDGET_SECONDS=BUDGET_SECONDS) as client:
        response = await answer_within_watchdog(client, "/projects/12/overview")
    expect(
        response is not None,
        expected=f"an answer soon after the budget of {BUDGET_SECONDS} seconds "
        "(APP_OVERVIEW_BUDGET_SECONDS)",
        got=f"no answer after {WATCHDOG_SECONDS:g} seconds",
        note="wrap the work in `async with asyncio.timeout(settings.overview_budget_seconds)`",
    )
    assert response is not None
    expect_problem(response, 504, because="the overview was not ready within its budget")


DEFAULT_BUDGET_SECONDS = 2.0  # the starter's default; a budget hard-coded to it must fail
LONG_BUDGET_SECONDS = "60"
GATE_OPENS_AFTER_SECONDS = DEFAULT_BUDGET_SECONDS + 0.5


@check("40.3")
async def the_budget_is_read_when_the_app_starts(ctx: Check) -> None:
    """The budget is APP_OVERVIEW_BUDGET_SECONDS as it is when the app starts: 60 seconds
    lets calls that take longer than the default finish; then 0.3 seconds cuts them off."""
    ctx.setenv("APP_UPSTREAM_URL", "http://projects.test")
    ctx.setenv("APP_OVERVIEW_BUDGET_SECONDS", BUDGET_SECONDS)
    create_app = ctx.attribute("app.main", "create_app", required_by="40.1")
    ctx.setenv("APP_OVERVIEW_BUDGET_SECONDS", LONG_BUDGET_SECONDS)
    data = ProjectData(behaviour=dict.fromkeys(SOURCES, "hold"))
    async with ctx.client(create_app(transport=httpx.MockTransport(data.handle))) as client:
        try:
            request = asyncio.create_task(client.get("/projects/12/overview"))
            await asyncio.wait({request}, timeout=GATE_OPENS_AFTER_SECONDS)
            data.gate.set()
            response = await answer_within_watchdog_task(request)
        finally:
            data.gate.set()
    expect(
        response is not None,
        expected="the overview soon after the calls were let through",
        got=f"no answer {WATCHDOG_SECONDS:g} seconds after the calls were let through",
    )
    assert response is not None
    expect_status(
        response, 200,
        because=f"APP_OVERVIEW_BUDGET_SECONDS was {LONG_BUDGET_SECONDS} when the app started, "
        f"and the calls were let through after {GATE_OPENS_AFTER_SECONDS:g} s; a budget "
        "hard-coded, or read from the environment when the module was imported (it was "
        f"{BUDGET_SECONDS} then), cuts them off",
    )
    ctx.setenv("APP_OVERVIEW_BUDGET_SECONDS", BUDGET_SECONDS)
    data = ProjectData(behaviour=dict.fromkeys(SOURCES, "hold"))
    async with ctx.client(create_app(transport=httpx.MockTransport(data.handle))) as client:
        response = await answer_within_watchdog(client, "/projects/12/overview")
    expect(
        response is not None,
        expected=f"a 504 soon after the budget of {BUDGET_SECONDS} seconds, set in "
        "APP_OVERVIEW_BUDGET_SECONDS before this second app started",
        got=f"no answer after {WATCHDOG_SECONDS:g} seconds",
        note="read the budget from the settings in the lifespan (or per request), and wrap "
        "the work in `async with asyncio.timeout(...)` with it",
    )
    assert response is not None
    expect_problem(response, 504, because="the overview was not ready within its budget")


async def answer_within_watchdog_task(
    request: "asyncio.Task[httpx.Response]",
) -> httpx.Response | None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(WATCHDOG_SECONDS):
            return await request
    request.cancel()
    return None


@check("40.3", baseline=True)
async def a_budget_that_holds_changes_nothing(ctx: Check) -> None:
    """Sources that answer within the budget give the full overview."""
    data = ProjectData()
    async with service(ctx, data, APP_OVERVIEW_BUDGET_SECONDS="5") as client:
        response = await client.get("/projects/3/overview")
    expect_status(response, 200)
    expect(json_body(response).get("members") == ANSWERS["members"],
           expected=f"members {ANSWERS['members']}", got=response, response=response)


@check("40.3")
async def the_overview_declares_its_504(ctx: Check) -> None:
    """The overview route declares its 504 answer in the OpenAPI document."""
    response, declared = await declared_statuses(ctx)
    expect("504" in declared, expected="GET /projects/{project_id}/overview to declare 504",
           got=f"declared: {sorted(declared)}", response=response)


# --- 40.4 cancelled work stops ------------------------------------------------------------


@check("40.4")
async def calls_cut_by_the_budget_are_cancelled(ctx: Check) -> None:
    """When the budget runs out, every call still running is cancelled, and none goes on."""
    data = ProjectData(behaviour=dict.fromkeys(SOURCES, "hold"))
    async with service(ctx, data, APP_OVERVIEW_BUDGET_SECONDS=BUDGET_SECONDS) as client:
        response = await answer_within_watchdog(client, "/projects/12/overview")
        cancelled_at_answer = sorted(data.cancelled)
        data.gate.set()
        await settle()
    if response is None:
        raise Blocked("40.3", f"no answer {WATCHDOG_SECONDS:g} seconds after a budget of "
                      f"{BUDGET_SECONDS} seconds, so there is nothing to cancel yet")
    expect(
        cancelled_at_answer == sorted(SOURCES) and not data.completed,
        expected="all 3 calls cancelled by the time the answer was sent, none completed",
        got=f"cancelled: {cancelled_at_answer or 'none'}; completed after the answer: "
        f"{sorted(data.completed) or 'none'}",
        response=response,
        note="a call that is not cancelled keeps a connection and the upstream busy for a "
        "client that has already been answered; `asyncio.wait(timeout=...)` and "
        "`asyncio.shield` leave calls running",
    )
