"""Checks for lesson 38: work after the answer, and jobs to poll.

httpx's ASGITransport hands back a response only when the app's call has returned, and
Starlette runs background tasks inside that call, so these checks drive the app with a small
ASGI driver of their own: it returns the response as soon as the app has sent its last body
chunk, while the request's call may still be running. The mailer and the report builder are
fakes handed to `create_app()`; each waits at a gate the check opens, and counts what it did.
No verdict depends on how fast the machine is: the gates decide the order of events, and the
waits below are only watchdogs for an app that never answers.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from workbook.harness import (
    BASE_URL,
    Blocked,
    Check,
    check,
    expect,
    expect_status,
    json_body,
    run_lifespan,
)

WATCHDOG_SECONDS = 5.0
CLEAN_UP_TURNS = 200
INTERNAL_HOST = "warehouse-7.db.internal:5432"
WAREHOUSE_FAILURE = f"connection to {INTERNAL_HOST} refused (user report_rw)"
INTERNALS = ("Traceback", "WarehouseDown", INTERNAL_HOST, "report_rw")
IN_PROGRESS = ("pending", "running")
TASK = {"title": "Write the release notes", "project_id": 7, "assignee_email": "ada@example.com"}
REPORT = {"project_id": 7, "tasks": 12, "assignees": 3}


class WarehouseDown(RuntimeError):
    """What the failing report builder raises."""


@dataclass
class Gate:
    """Counts calls into a fake and holds each one until the check opens the gate."""

    opened: asyncio.Event = field(default_factory=asyncio.Event)
    started: int = 0
    finished: int = 0
    cancelled: int = 0
    any_started: asyncio.Event = field(default_factory=asyncio.Event)
    any_finished: asyncio.Event = field(default_factory=asyncio.Event)

    async def pass_through(self) -> None:
        self.started += 1
        self.any_started.set()
        try:
            await self.opened.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            await self.clean_up()
            raise
        finally:
            self.finished += 1
            self.any_finished.set()


    @staticmethod
    async def clean_up() -> None:
        """Cancelled work takes a few turns of the loop to stop (as closing a connection
        does), so only a shutdown that awaits the cancelled task sees it over."""
        for _ in range(CLEAN_UP_TURNS):
            await asyncio.sleep(0)


@dataclass
class FakeMailer:
    gate: Gate = field(default_factory=Gate)
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, to: str, subject: str) -> None:
        await self.gate.pass_through()
        self.sent.append((to, subject))


@dataclass
class FakeReports:
    gate: Gate = field(default_factory=Gate)
    is_failing: bool = False
    projects: list[int] = field(default_factory=list)

    async def build(self, project_id: int) -> dict[str, int]:
        self.projects.append(project_id)
        await self.gate.pass_through()
        if self.is_failing:
            raise WarehouseDown(WAREHOUSE_FAILURE)
        return {**REPORT, "project_id": project_id}


@dataclass
class Exchange:
    """One request driven through the app: its answer, and the app's call still running."""

    request: httpx.Request
    call: "asyncio.Task[None]"
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)

    def response(self) -> httpx.Response:
        return httpx.Response(
            self.status, headers=self.headers, content=bytes(self.body), request=self.request
        )


@dataclass
class Driver:
    app: Callable[..., Any]
    state: dict[str, Any]
    calls: list["asyncio.Task[None]"] = field(default_factory=list)
    disconnect: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self, method: str, path: str, body: object = None) -> Exchange:
        content = b"" if body is None else json.dumps(body).encode()
        headers = {"content-type": "application/json"} if body is not None else {}
        request = httpx.Request(method, BASE_URL + path, content=content, headers=headers)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in request.headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "state": dict(self.state),
        }
        is_body_sent = False

        async def receive() -> dict[str, Any]:
            nonlocal is_body_sent
            if not is_body_sent:
                is_body_sent = True
                return {"type": "http.request", "body": content, "more_body": False}
            await self.disconnect.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                exchange.body += message.get("body", b"")
                if not message.get("more_body", False):
                    exchange.answered.set()

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except Exception:  # noqa: BLE001 - a failing background task ends the call
                if not exchange.answered.is_set():
                    exchange.status = exchange.status or 500
                    exchange.answered.set()

        exchange = Exchange(request, asyncio.ensure_future(run()))
        self.calls.append(exchange.call)
        return exchange

    async def answer(self, exchange: Exchange) -> httpx.Response | None:
        """The response once the app has sent it all, or None if it has not (watchdog)."""
        await wait_for(exchange.answered)
        return exchange.response() if exchange.answered.is_set() else None

    async def request(self, method: str, path: str, body: object = None) -> httpx.Response:
        exchange = self.start(method, path, body)
        response = await self.answer(exchange)
        expect(
            response is not None,
            expected=f"an answer to {method} {path}",
            got="no answer: the app is still working on it",
        )
        assert response is not None
        return response


async def wait_for(event: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(WATCHDOG_SECONDS):
            await event.wait()


@contextlib.asynccontextmanager
async def driven(
    ctx: Check, mailer: FakeMailer | None = None, reports: FakeReports | None = None
) -> AsyncIterator[Driver]:
    """The app built by `create_app()` with the fakes, lifespan running, and a driver."""
    create_app = ctx.attribute("app.main", "create_app", required_by="38.1")
    app = create_app(mailer=mailer or FakeMailer(), report_builder=reports or FakeReports())
    state: dict[str, Any] = {}
    async with run_lifespan(app, state):
        driver = Driver(app, state)
        try:
            yield driver
        finally:
            for gate in gates(mailer, reports):
                gate.opened.set()
            driver.disconnect.set()
            await asyncio.wait(driver.calls, timeout=WATCHDOG_SECONDS) if driver.calls else None


def gates(mailer: FakeMailer | None, reports: FakeReports | None) -> list[Gate]:
    return [fake.gate for fake in (mailer, reports) if fake is not None]


async def settle(call: "asyncio.Task[None]", turns: int = 50) -> None:
    """Give the event loop many turns, so work that is not held at a gate can finish."""
    for _ in range(turns):
        if call.done():
            return
        await asyncio.sleep(0)


# --- 38.1 light work after the answer ----------------------------------------------------


@check("38.1", baseline=True)
async def a_created_task_notifies_its_assignee(ctx: Check) -> None:
    """POST /tasks answers 201 and the assignee gets one mail naming the task."""
    mailer = FakeMailer()
    mailer.gate.opened.set()
    async with driven(ctx, mailer=mailer) as driver:
        exchange = driver.start("POST", "/tasks", TASK)
        await wait_for(exchange.answered)
        await asyncio.wait({exchange.call}, timeout=WATCHDOG_SECONDS)
    response = exchange.response()
    expect_status(response, 201, because="a valid task is created")
    expect(
        len(mailer.sent) == 1
        and mailer.sent[0][0] == TASK["assignee_email"]
        and str(TASK["title"]) in mailer.sent[0][1],
        expected=f"one mail to {TASK['assignee_email']} whose subject names the task",
        got=f"mails sent: {mailer.sent}",
        response=response,
    )


@check("38.1", baseline=True)
async def a_refused_task_sends_no_mail(ctx: Check) -> None:
    """A create request that fails validation gets 422 and sends no mail."""
    mailer = FakeMailer()
    mailer.gate.opened.set()
    async with driven(ctx, mailer=mailer) as driver:
        response = await driver.request("POST", "/tasks", {**TASK, "assignee_email": "nobody"})
        await settle(driver.calls[-1])
    expect_status(response, 422, because="an address without @ is not an address")
    expect(mailer.gate.started == 0, expected="no mail for a refused task",
           got=f"{mailer.gate.started} mail(s) started", response=response)


@check("38.1")
async def the_answer_does_not_wait_for_the_mail(ctx: Check) -> None:
    """The 201 is sent while the mail to the assignee is still on its way."""
    mailer = FakeMailer()  # its gate stays closed until the answer has arrived
    async with driven(ctx, mailer=mailer) as driver:
        exchange = driver.start("POST", "/tasks", TASK)
        response = await driver.answer(exchange)
        is_mail_pending = mailer.gate.finished == 0
    expect(
        response is not None,
        expected="the 201 to arrive while the mail is still being sent",
        got="no answer while the mailer was held: the request waited for the mail "
        f"({mailer.gate.started} mail started)",
        note="hand the mail to `BackgroundTasks.add_task(...)` instead of awaiting it",
    )
    assert response is not None
    expect_status(response, 201, because="a valid task is created")
    expect(is_mail_pending, expected="the mail still pending when the 201 arrived",
           got="the mail had already finished", response=response)


@check("38.1")
async def the_mail_runs_within_the_request_lifecycle(ctx: Check) -> None:
    """The request's ASGI call ends only after its mail is sent, so shutdown waits for it."""
    mailer = FakeMailer()
    async with driven(ctx, mailer=mailer) as driver:
        exchange = driver.start("POST", "/tasks", TASK)
        response = await driver.answer(exchange)
        expect(
            response is not None,
            expected="the 201 to arrive while the mail is still being sent",
            got="no answer while the mailer was held: the request waited for the mail",
        )
        assert response is not None
        await wait_for(mailer.gate.any_started)
        await settle(exchange.call)
        is_call_open = not exchange.call.done()
        mailer.gate.opened.set()
        await asyncio.wait({exchange.call}, timeout=WATCHDOG_SECONDS)
    expect(
        mailer.gate.started == 1,
        expected="the mail to start after the answer",
        got=f"{mailer.gate.started} mail(s) started",
        response=response,
    )
    expect(
        is_call_open,
        expected="the request's call to the app to stay open until its mail is sent "
        "(BackgroundTasks run inside it, so the server knows about them)",
        got="the call ended while the mail was still waiting: the mail runs in a task "
        "nobody owns",
        response=response,
        note="`asyncio.create_task` without keeping the task is fire-and-forget: the loop "
        "holds it only weakly, its exception is never seen, and a shutdown does not wait",
    )
    expect(len(mailer.sent) == 1, expected="the mail sent once the mailer was released",
           got=f"mails sent: {mailer.sent}", response=response)


# --- 38.2 heavy work as a job ------------------------------------------------------------


async def accepted_job(driver: Driver, project_id: int = 7) -> tuple[httpx.Response, str]:
    """POST a report request; the answer must be a 202 with a Location while the work waits."""
    exchange = driver.start("POST", f"/projects/{project_id}/reports")
    response = await driver.answer(exchange)
    expect(
        response is not None,
        expected="an answer to the report request while the report is still being built",
        got="no answer while the report builder was held: the request waited for the work",
        note="answer 202 at once and run the work as a job",
    )
    assert response is not None
    expect_status(response, 202, because="the work is accepted, not done")
    location = response.headers.get("location", "")
    expect(
        location.startswith(("/", BASE_URL)),
        expected="a Location header pointing at the job resource",
        got=f"Location: {location or '(none)'}",
        response=response,
    )
    return response, location.removeprefix(BASE_URL)


async def job_status(driver: Driver, location: str) -> tuple[httpx.Response, dict[str, Any]]:
    response = await driver.request("GET", location)
    expect_status(response, 200, because="the Location of an accepted job can be read")
    body = json_body(response)
    expect(isinstance(body, dict) and "status" in body, expected="a job with a `status`",
           got=response, response=response)
    return response, body


async def finished_job(driver: Driver, location: str) -> tuple[httpx.Response, dict[str, Any]]:
    """Poll the job until it leaves pending (a bounded number of polls, a watchdog)."""
    for _ in range(100):
        response, body = await job_status(driver, location)
        if body.get("status") not in IN_PROGRESS:
            return response, body
        await asyncio.sleep(0.02)
    return response, body


@check("38.2")
async def a_report_request_is_accepted_with_a_location(ctx: Check) -> None:
    """POST /projects/{id}/reports answers 202 with a Location while the report is built."""
    reports = FakeReports()
    async with driven(ctx, reports=reports) as driver:
        _, location = await accepted_job(driver)
        response, body = await job_status(driver, location)
        is_building = reports.gate.finished == 0
    expect(is_building, expected="the report still being built", got="it had finished",
           response=response)
    expect(
        body.get("status") in IN_PROGRESS,
        expected=f"the job's status to be one of {IN_PROGRESS} while the work runs",
        got=response,
        response=response,
    )


@check("38.2")
async def the_job_moves_from_pending_to_done(ctx: Check) -> None:
    """The job reads pending while the report is built, then done with the report as result."""
    reports = FakeReports()
    async with driven(ctx, reports=reports) as driver:
        _, location = await accepted_job(driver, project_id=41)
        _, before = await job_status(driver, location)
        reports.gate.opened.set()
        await wait_for(reports.gate.any_finished)
        response, after = await finished_job(driver, location)
    expect(before.get("status") in IN_PROGRESS, expected=f"status in {IN_PROGRESS} at first",
           got=before, response=response)
    expect(reports.projects == [41], expected="one report built, for project 41",
           got=f"reports built for projects {reports.projects}", response=response)
    expected_result = {**REPORT, "project_id": 41}
    expect(
        after.get("status") == "done" and after.get("result") == expected_result,
        expected=f"status 'done' and result {expected_result} once the work finished",
        got=response,
        response=response,
    )


@check("38.2")
async def two_report_requests_get_two_jobs(ctx: Check) -> None:
    """Each report request gets its own job, with its own Location and result, even two
    requests for the same project."""
    reports = FakeReports()
    projects = [3, 5, 3]
    async with driven(ctx, reports=reports) as driver:
        locations = [(await accepted_job(driver, project_id=project))[1] for project in projects]
        reports.gate.opened.set()
        await wait_for(reports.gate.any_finished)
        answers = [await finished_job(driver, location) for location in locations]
    first_response = answers[0][0]
    expect(len(set(locations)) == len(projects),
           expected=f"a Location per job: {len(projects)} requests (projects {projects}), "
           f"{len(projects)} different Locations",
           got=f"Locations {locations}", response=first_response,
           note="number the jobs themselves (a counter, a UUID), not by what they work on")
    results = [job.get("result", {}) or {} for _, job in answers]
    expect(
        [result.get("project_id") for result in results] == projects,
        expected=f"the jobs' results for projects {projects}, in the order requested",
        got=f"results {results}",
        response=first_response,
    )


@check("38.2")
async def an_unknown_job_is_a_404_problem(ctx: Check) -> None:
    """GET on a job that does not exist answers 404 as a problem."""
    async with driven(ctx) as driver:
        response = await driver.request("GET", "/jobs/999999")
    expect_status(response, 404, because="there is no such job")
    content_type = response.headers.get("content-type", "")
    expect(content_type.startswith("application/problem+json"),
           expected="Content-Type: application/problem+json (lesson 09)",
           got=f"Content-Type: {content_type}", response=response)


@check("38.2")
async def jobs_still_running_are_cancelled_at_shutdown(ctx: Check) -> None:
    """When the app stops, a job whose work is still running is cancelled and awaited."""
    reports = FakeReports()
    create_app = ctx.attribute("app.main", "create_app", required_by="38.1")
    app = create_app(mailer=FakeMailer(), report_builder=reports)
    state: dict[str, Any] = {}
    async with run_lifespan(app, state):
        driver = Driver(app, state)
        response, _ = await accepted_job(driver)
        await wait_for(reports.gate.any_started)
    cancelled, ended = reports.gate.cancelled, reports.gate.finished
    reports.gate.opened.set()  # let an orphaned job end, so nothing outlives the check
    await asyncio.sleep(0)
    expect(
        cancelled == 1 and ended == 1,
        expected="the lifespan to cancel the running job, and wait for it, before it ends",
        got=f"when the lifespan ended, the job's work had been cancelled {cancelled} time(s) "
        f"and was {'over' if ended else 'still running, abandoned'}",
        response=response,
        note="keep every task you start; in the lifespan's `finally:`, cancel the ones still "
        "running and await them",
    )


@check("38.2", baseline=True)
async def an_unknown_project_id_is_refused(ctx: Check) -> None:
    """A report request for project id 0 or `abc` gets 422 and starts no work."""
    reports = FakeReports()
    async with driven(ctx, reports=reports) as driver:
        for path in ("/projects/0/reports", "/projects/abc/reports"):
            response = await driver.request("POST", path)
            expect_status(response, 422, because="a project id is a positive integer")
    expect(reports.projects == [], expected="no report started",
           got=f"reports started for {reports.projects}")


# --- 38.3 a failing job is logged and visible ----------------------------------------------


async def failed_job(ctx: Check) -> tuple[httpx.Response, dict[str, Any], str]:
    reports = FakeReports(is_failing=True)
    async with driven(ctx, reports=reports) as driver:
        exchange = driver.start("POST", "/projects/9/reports")
        reports.gate.opened.set()
        response = await driver.answer(exchange)
        if response is None or response.status_code != 202 or "location" not in response.headers:
            got = "no answer" if response is None else f"status {response.status_code}"
            raise Blocked("38.2", f"POST /projects/9/reports did not answer 202 with a "
                          f"Location ({got}), so there is no job to look at")
        location = response.headers["location"].removeprefix(BASE_URL)
        await wait_for(reports.gate.any_finished)
        job_response, job = await finished_job(driver, location)
        return job_response, job, location.rstrip("/").rsplit("/", 1)[-1]


@check("38.3")
async def a_failing_job_is_marked_failed(ctx: Check) -> None:
    """When the report builder raises, the job reads `failed` with an `error` that says so."""
    response, job, _ = await failed_job(ctx)
    expect(
        job.get("status") == "failed",
        expected="status 'failed' once the work raised",
        got=response,
        response=response,
        note="catch the failure in the job's runner and record it on the job; "
        "otherwise it stays pending forever",
    )
    error = job.get("error")
    expect(
        isinstance(error, str) and error.strip() != "",
        expected="an `error` text on the failed job, so the client knows what happened",
        got=response,
        response=response,
    )
    leaked = [internal for internal in INTERNALS if internal in str(error)]
    expect(
        not leaked,
        expected="an `error` in words, without internals: no traceback, no exception class, "
        "no exception message (the log has those)",
        got=f"the error names {leaked}: {error!r}",
        response=response,
        note=f"the work raised WarehouseDown({WAREHOUSE_FAILURE!r}); write your own text, "
        "not `str(exc)` or a traceback",
    )
    expect(
        job.get("result") is None,
        expected="no result on a failed job",
        got=response,
        response=response,
    )


@check("38.3")
async def a_failing_job_is_logged_with_its_traceback(ctx: Check) -> None:
    """The failure is logged at ERROR with its traceback and the job's id."""
    response, _, job_id = await failed_job(ctx)
    logged = [
        record
        for record in ctx.logs
        if record.levelno >= logging.ERROR
        and record.exc_info is not None
        and isinstance(record.exc_info[1], WarehouseDown)
    ]
    messages = [record.getMessage() for record in ctx.logs if record.levelno >= logging.ERROR]
    expect(
        bool(logged),
        expected="an ERROR record carrying the exception (logger.exception, or exc_info=True)",
        got=f"ERROR records: {messages or 'none'}",
        response=response,
        note="a failure nobody logs is found only when a user complains",
    )
    expect(
        any(job_id in record.getMessage() for record in logged),
        expected=f"the record to name the job ({job_id}), so the log line can be found "
        "from the job",
        got=f"ERROR records: {messages}",
        response=response,
    )
