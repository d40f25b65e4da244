"""Checks for lesson 29: JSON log lines on stdout, one per request, tracebacks inside.

The checks read what the app really writes. In process, stdout and stderr are redirected
before the app is imported, so whatever handlers the app installs (a stdlib `logging` handler
with a JSON formatter, structlog, another library, or a bare `print`) write into the check's
buffers. One check starts the service as a real uvicorn process on loopback and reads its
stdout and stderr. Logging's global state (handlers, levels, disabled loggers) is restored
after every check.
"""

import asyncio
import contextlib
import io
import json
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

# Created before the app is imported, as a module's `logging.getLogger(__name__)` would be.
PROBE_LOGGER = "app.probe"
LIBRARY_LOGGER = "library29.probe"
# Field names the checks accept for each part of a request line (canonical name first).
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "method": ("method", "http_method", "http.method", "http.request.method"),
    "route": ("route", "http_route", "http.route", "path_template"),
    "status": ("status", "status_code", "http_status", "http.status_code",
               "http.response.status_code"),
    "duration": ("duration_ms", "duration", "duration_s", "elapsed_ms", "latency_ms"),
    "request_id": ("request_id", "requestId", "correlation_id", "x_request_id"),
}
TRACEBACK_MARKERS = ("Traceback (most recent call last)", "explode_for_the_check")
SERVER_SECONDS = 40.0


# --- reading what the app wrote --------------------------------------------------------------


@dataclass
class Output:
    """What the app wrote to stdout and stderr during the block."""

    stdout: io.StringIO = field(default_factory=io.StringIO)
    stderr: io.StringIO = field(default_factory=io.StringIO)

    def lines(self, stream: str = "stdout") -> list[str]:
        text = (self.stdout if stream == "stdout" else self.stderr).getvalue()
        return [line for line in text.splitlines() if line.strip()]


def parse_lines(lines: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The lines that are JSON objects, and the lines that are not."""
    records: list[dict[str, Any]] = []
    others: list[str] = []
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            others.append(line)
            continue
        if isinstance(value, dict):
            records.append(value)
        else:
            others.append(line)
    return records, others


def value_of(record: dict[str, Any], part: str) -> Any:
    for name in FIELD_NAMES[part]:
        if name in record:
            return record[name]
    return None


def has_part(record: dict[str, Any], part: str) -> bool:
    return any(name in record for name in FIELD_NAMES[part])


def request_lines(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records that describe a request: they carry a method and a status."""
    return [r for r in records if has_part(r, "method") and has_part(r, "status")]


_VOLATILE_KEYS = {"time", "timestamp", "asctime", "created", "ts", "@timestamp", "process",
                  "thread", "taskName", "pid"}
_HEX_ID = re.compile(r"\b[0-9a-f]{32}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{12}\b")
_NUMBER = re.compile(r"\b\d+\.\d+\b")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d[.,]?\d*(?:[+-]\d\d:?\d\d|Z)?")
_ADDRESS = re.compile(r"\b127\.0\.0\.1:\d+\b|\[\d+\]")
_TEMPORARY_FOLDER = re.compile(r"/tmp/[^\s\"'\\]*?/app/")


def stable(text: str) -> str:
    """A line with what changes between runs (times, ids, ports, durations, the folder the
    checked code was copied to) replaced."""
    text = _TEMPORARY_FOLDER.sub("<tmp>/app/", text)
    text = _TIMESTAMP.sub("<time>", text)
    text = _HEX_ID.sub("<id>", text)
    text = _ADDRESS.sub("<addr>", text)
    return _NUMBER.sub("<n>", text)


def show_record(record: dict[str, Any]) -> str:
    kept = {key: value for key, value in record.items() if key not in _VOLATILE_KEYS}
    if has_part(kept, "duration"):
        for name in FIELD_NAMES["duration"]:
            if name in kept:
                kept[name] = "<n>"
    return stable(json.dumps(kept, default=str))


def show_lines(lines: list[str], limit: int = 8) -> str:
    if not lines:
        return "(nothing written)"
    shown = [stable(line)[:300] for line in lines[:limit]]
    more = f"\n… ({len(lines) - limit} more lines)" if len(lines) > limit else ""
    return "\n".join(shown) + more


# --- logging's global state --------------------------------------------------------------------


@dataclass
class LoggerState:
    handlers: list[logging.Handler]
    level: int
    propagate: bool
    disabled: bool


def _snapshot() -> dict[str, LoggerState]:
    loggers: dict[str, logging.Logger] = {"": logging.getLogger()}
    for name, candidate in logging.root.manager.loggerDict.items():
        if isinstance(candidate, logging.Logger):
            loggers[name] = candidate
    return {
        name: LoggerState(list(lg.handlers), lg.level, lg.propagate, lg.disabled)
        for name, lg in loggers.items()
    }


def _restore(saved: dict[str, LoggerState]) -> None:
    for name, candidate in list(logging.root.manager.loggerDict.items()):
        if isinstance(candidate, logging.Logger) and name not in saved:
            candidate.handlers.clear()
            candidate.setLevel(logging.NOTSET)
            candidate.propagate = True
            candidate.disabled = False
    for name, state in saved.items():
        lg = logging.getLogger(name or None)
        lg.handlers[:] = state.handlers
        lg.setLevel(state.level)
        lg.propagate = state.propagate
        lg.disabled = state.disabled
    with contextlib.suppress(ImportError):
        import structlog  # type: ignore[import-not-found]  # optional: learners may use it

        structlog.reset_defaults()


@contextlib.contextmanager
def app_output() -> Iterator[Output]:
    """Redirect stdout and stderr before the app is imported; put logging back afterwards."""
    saved = _snapshot()
    logging.getLogger(PROBE_LOGGER)
    # As in a fresh process: no handler on the root logger (so `basicConfig` works), until
    # the app installs its own.
    logging.getLogger().handlers.clear()
    output = Output()
    try:
        with contextlib.redirect_stdout(output.stdout), contextlib.redirect_stderr(output.stderr):
            yield output
            for handler in logging.getLogger().handlers:
                handler.flush()
    finally:
        _restore(saved)


def new_id(label: str) -> str:
    """A request id for the check to send: fixed text, so reports read the same every run."""
    return f"req-29-{label}"


async def create_task(client: httpx.AsyncClient, title: str = "Write the report") -> int:
    response = await client.post("/tasks", json={"title": title})
    expect_status(response, 201, because="a valid task is created")
    task_id: int = json_body(response)["id"]
    return task_id


def one_line_for(
    lines: list[dict[str, Any]], request_id: str, response: httpx.Response, others: list[str]
) -> dict[str, Any]:
    """The single request line that carries `request_id`."""
    matching = [line for line in lines if value_of(line, "request_id") == request_id]
    expect(
        len(matching) == 1,
        expected="exactly one JSON line on stdout for this request, carrying its "
        f"request_id {request_id!r} (with method, route, status and duration_ms)",
        got=f"{len(matching)} such lines. What stdout received:\n"
        + show_lines([show_record(line) for line in lines] + others),
        response=response,
    )
    return matching[0]


def require_json_on_stdout(output: Output) -> None:
    """The 29.2 and 29.3 checks read stdout: JSON written only to stderr is rule 29.1's
    mistake, reported there once rather than as a failure of every rule."""
    on_stdout, _ = parse_lines(output.lines("stdout"))
    on_stderr, _ = parse_lines(output.lines("stderr"))
    if not on_stdout and on_stderr:
        raise Blocked(
            "29.1",
            f"the app writes its JSON records to stderr ({len(on_stderr)} of them) and none "
            "to stdout, where the platform, and these checks, read them",
        )


# --- 29.1 ----------------------------------------------------------------------------------------


@check("29.1", baseline=True)
async def tasks_are_created_and_read(ctx: Check) -> None:
    """Tasks can be created, listed and read; a missing task is 404, a bad body 422."""
    with app_output():
        async with ctx.client() as client:
            task_id = await create_task(client)
            listed = await client.get("/tasks")
            read = await client.get(f"/tasks/{task_id}")
            missing = await client.get("/tasks/999")
            invalid = await client.post("/tasks", json={"title": ""})
    expect_status(listed, 200)
    expect(len(json_body(listed)) == 1, expected="one task listed", got=listed, response=listed)
    expect_status(read, 200)
    expect_status(missing, 404, because="no task has id 999")
    expect_status(invalid, 422, because="an empty title is refused")


@check("29.1")
async def every_request_writes_one_json_line(ctx: Check) -> None:
    """Each request, errors included, writes one JSON line to stdout with all five fields.

    The fields: method, route (the template), status, duration_ms and request_id."""
    with app_output() as output:
        async with ctx.client() as client:
            task_id = await create_task(client)
            sent = [
                ("POST", "/tasks", {"title": "Ship it"}, "/tasks", 201),
                ("GET", "/tasks", None, "/tasks", 200),
                ("GET", f"/tasks/{task_id}", None, "/tasks/{task_id}", 200),
                ("GET", "/tasks/999", None, "/tasks/{task_id}", 404),
                ("POST", "/tasks", {"title": 42}, "/tasks", 422),
                ("GET", "/no-such-path", None, None, 404),
            ]
            answers = []
            for number, (method, path, body, template, status) in enumerate(sent, 1):
                request_id = new_id(str(number))
                response = await client.request(
                    method, path, json=body, headers={"X-Request-ID": request_id}
                )
                answers.append((request_id, response, template, status))
    records, others = parse_lines(output.lines("stdout"))
    on_stderr, _ = parse_lines(output.lines("stderr"))
    if not records and on_stderr:  # say where the lines went
        others = [*others, f"(while {len(on_stderr)} JSON lines went to stderr)"]
    lines = request_lines(records)
    for request_id, response, template, status in answers:
        expect_status(response, status)
        line = one_line_for(lines, request_id, response, others)
        shown = show_record(line)
        expect(
            value_of(line, "method") == response.request.method,
            expected=f"the line's method to be {response.request.method}",
            got=shown, response=response,
        )
        expect(
            value_of(line, "status") == status,
            expected=f"the line's status to be {status}, the status the client received",
            got=shown, response=response,
        )
        expect(
            value_of(line, "route") == template,
            expected=f"the line's route to be the route template {template!r}"
            if template is not None else "a line for a path no route matched too (a 404 the "
            "middleware sees), with route null",
            got=shown, response=response,
        )
        duration = value_of(line, "duration")
        expect(
            isinstance(duration, int | float) and not isinstance(duration, bool)
            and 0 <= duration < 600_000,
            expected="duration_ms to be a non-negative number (not text)",
            got=shown, response=response,
        )


@check("29.1")
async def lines_name_the_route_template_not_the_path(ctx: Check) -> None:
    """Requests for /tasks/1 and /tasks/2 both log the route `/tasks/{task_id}`."""
    with app_output() as output:
        async with ctx.client() as client:
            first = await create_task(client, "one")
            second = await create_task(client, "two")
            responses = [await client.get(f"/tasks/{task_id}") for task_id in (first, second)]
    records, others = parse_lines(output.lines("stdout"))
    lines = request_lines(records)
    gets = [line for line in lines if value_of(line, "method") == "GET"]
    routes = sorted({str(value_of(line, "route")) for line in gets})
    expect(
        len(gets) == 2 and routes == ["/tasks/{task_id}"],
        expected="two GET lines, both with route '/tasks/{task_id}': the template groups "
        "requests; the raw path makes every id a different value",
        got=f"GET lines with routes {routes}:\n"
        + show_lines([show_record(line) for line in gets] + others),
        response=responses[-1],
    )


@check("29.1")
async def a_request_without_an_id_gets_one(ctx: Check) -> None:
    """Requests sent without X-Request-ID still log a request_id, a different one each."""
    with app_output() as output:
        async with ctx.client() as client:
            responses = [await client.get("/tasks") for _ in range(3)]
    records, others = parse_lines(output.lines("stdout"))
    lines = request_lines(records)
    ids = [value_of(line, "request_id") for line in lines]
    is_fresh = all(isinstance(value, str) and value for value in ids)
    expect(
        len(lines) == 3 and is_fresh and len(set(ids)) == 3,
        expected="three request lines, each with a request_id of its own, made up by the app "
        "when the client sends none",
        got=f"{len(lines)} request lines with {len(set(map(str, ids)))} distinct ids:\n"
        + show_lines([show_record(line) for line in lines] + others),
        response=responses[-1],
    )


SERVER_CODE = (
    "import socket, sys, uvicorn\n"
    "listening = socket.socket(fileno=int(sys.argv[1]))\n"
    "uvicorn.Server(uvicorn.Config('app.main:app')).run(sockets=[listening])\n"
)


async def run_real_server(ctx: Check, request_ids: list[str]) -> tuple[str, str, list[int]]:
    """Start `uvicorn app.main:app` (uvicorn's default logging) on loopback, send a request per
    id, stop it with SIGTERM; return its stdout, stderr and the statuses received."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    listening.listen(64)
    port = listening.getsockname()[1]
    environment = {**os.environ, "PYTHONPATH": str(ctx.root), "PYTHONUNBUFFERED": "1"}
    environment.pop("APP_LOG_LEVEL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVER_CODE, str(listening.fileno()),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        pass_fds=(listening.fileno(),), cwd=ctx.tmp_path, env=environment,
    )
    listening.close()
    statuses: list[int] = []
    try:
        # The socket listens already: requests wait in its backlog until the server accepts.
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=SERVER_SECONDS
        ) as client:
            for request_id in request_ids:
                response = await client.get("/tasks", headers={"X-Request-ID": request_id})
                statuses.append(response.status_code)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), SERVER_SECONDS)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"), statuses


def is_access_line(record: dict[str, Any]) -> bool:
    """uvicorn's access line (`127.0.0.1:5000 - "GET /tasks HTTP/1.1" 200`), in any format."""
    if str(record.get("logger", record.get("name", ""))) == "uvicorn.access":
        return True
    return any(isinstance(value, str) and "GET /tasks HTTP/" in value
               for value in record.values())


@check("29.1", timeout=90)
async def a_real_server_writes_only_json_lines(ctx: Check) -> None:
    """Under `uvicorn app.main:app` every line on stdout and stderr is JSON, one per request.

    From the server's start-up lines to its shutdown; request lines on stdout."""
    request_ids = [new_id(f"server-{number}") for number in range(1, 4)]
    try:
        stdout, stderr, statuses = await run_real_server(ctx, request_ids)
    except (httpx.HTTPError, TimeoutError) as error:
        expect(False, expected="the service to start under uvicorn and answer GET /tasks",
               got=f"{type(error).__name__}: {error}")
        return
    expect(statuses == [200, 200, 200], expected="three 200 answers to GET /tasks",
           got=statuses)
    out_lines = [line for line in stdout.splitlines() if line.strip()]
    err_lines = [line for line in stderr.splitlines() if line.strip()]
    records, others = parse_lines(out_lines)
    _, err_others = parse_lines(err_lines)
    expect(
        not others and not err_others,
        expected="only JSON lines, on stdout and stderr: uvicorn's own loggers ('uvicorn', "
        "'uvicorn.error', 'uvicorn.access') print free text unless the app takes them over "
        "when it is created, before the server logs its first line",
        got="lines that are not JSON:\n" + show_lines(others + err_others),
    )
    access = [record for record in records if is_access_line(record)]
    expect(
        not access,
        expected="no access line from uvicorn: the request line replaces it, so each request "
        "writes exactly one line (quieten the 'uvicorn.access' logger)",
        got=f"{len(access)} access lines:\n"
        + show_lines([show_record(record) for record in access], limit=3),
    )
    lines = request_lines(records)
    counts = [
        sum(value_of(line, "request_id") == request_id for line in lines)
        for request_id in request_ids
    ]
    expect(
        counts == [1, 1, 1],
        expected="one request line on stdout for each of the three requests",
        got=f"lines per request {counts}; stdout:\n"
        + show_lines([show_record(record) for record in records]),
    )


# --- 29.2 ----------------------------------------------------------------------------------------

CRASH_MESSAGE = "the task store is on fire (a check's deliberate failure)"


def explode_for_the_check() -> None:
    """Overrides the task store dependency: every request that needs the store crashes."""
    raise RuntimeError(CRASH_MESSAGE)


def mentions(record: dict[str, Any], text: str) -> bool:
    return text in json.dumps(record, ensure_ascii=False)


@check("29.2")
async def an_error_is_one_json_record_with_its_traceback(ctx: Check) -> None:
    """A crash writes one JSON record at ERROR with its traceback inside, and a 500 request line.

    Every line stays JSON."""
    get_task_store = ctx.attribute("app.tasks.dependencies", "get_task_store",
                                   required_by="29.2")
    request_id = new_id("crash")
    with app_output() as output:
        app = ctx.app()
        overrides = getattr(app, "dependency_overrides", None)
        expect(isinstance(overrides, dict), expected="app.main.app to be a FastAPI app",
               got=repr(app))
        overrides[get_task_store] = explode_for_the_check  # type: ignore[index]
        async with ctx.client(app) as client:
            response = await client.get("/tasks", headers={"X-Request-ID": request_id})
    expect_status(response, 500, because="the task store raised RuntimeError")
    lines = output.lines("stdout") + output.lines("stderr")
    records, others = parse_lines(lines)
    expect(
        not others,
        expected="only JSON lines: a traceback printed as text spans many lines, each of "
        "which a log collector would take for a record of its own",
        got="lines that are not JSON:\n" + show_lines(others, limit=4),
        response=response,
    )
    with_traceback = [r for r in records if all(mentions(r, m) for m in TRACEBACK_MARKERS)]
    with_message = [r for r in records if mentions(r, CRASH_MESSAGE)]
    expect(
        len(with_traceback) == 1 and len(with_message) == 1,
        expected="exactly one JSON record that carries the exception's message and its whole "
        "traceback ('Traceback (most recent call last)' and the frames) inside it",
        got=f"{len(with_message)} records with the message, {len(with_traceback)} with the "
        "traceback:\n" + show_lines([show_record(record) for record in records]),
        response=response,
    )
    expect(
        any(isinstance(value, str) and all(marker in value for marker in TRACEBACK_MARKERS)
            for value in with_traceback[0].values()),
        expected="the whole traceback as one string field of the record (formatException's "
        "text), not split into a list or spread over several fields",
        got=show_record(with_traceback[0])[:400],
        response=response,
    )
    level = str(with_traceback[0].get("level", with_traceback[0].get("levelname", ""))).upper()
    expect(
        level in ("ERROR", "CRITICAL"),
        expected="the error record's level to be ERROR",
        got=show_record(with_traceback[0])[:400],
        response=response,
    )
    # The crash is the only request: its line is found by method and route, not by its id
    # (echoing the caller's id is rule 29.1's business).
    statuses = [value_of(line, "status") for line in request_lines(records)
                if value_of(line, "method") == "GET"]
    expect(
        statuses == [500],
        expected="the request line too, with status 500",
        got=f"request lines for this request: {statuses}",
        response=response,
    )


@check("29.2")
async def an_error_keeps_serving(ctx: Check) -> None:
    """After a crash the app answers 500 and keeps serving; the next request logs 200."""
    get_task_store = ctx.attribute("app.tasks.dependencies", "get_task_store",
                                   required_by="29.2")
    with app_output() as output:
        app = ctx.app()
        overrides = getattr(app, "dependency_overrides", None)
        expect(isinstance(overrides, dict), expected="app.main.app to be a FastAPI app",
               got=repr(app))
        overrides[get_task_store] = explode_for_the_check  # type: ignore[index]
        async with ctx.client(app) as client:
            crashed = await client.get("/tasks")
            overrides.clear()  # type: ignore[union-attr]
            fine = await client.get("/tasks")
    expect_status(crashed, 500)
    expect_status(fine, 200)
    require_json_on_stdout(output)
    reraised = [f"{type(error.error).__name__}: {error.error}" for error in ctx.app_errors]
    expect(
        not reraised,
        expected="the middleware that logs the crash to answer the 500 itself: an exception "
        "re-raised to the server is logged by the server a second time",
        got="the app raised to the server: " + "; ".join(reraised),
        response=crashed,
    )
    records, others = parse_lines(output.lines("stdout"))
    statuses = [value_of(line, "status") for line in request_lines(records)]
    expect(
        statuses == [500, 200],
        expected="two request lines on stdout, status 500 then 200",
        got=f"statuses {statuses}:\n"
        + show_lines([show_record(record) for record in records] + others),
        response=fine,
    )


# --- 29.3 ----------------------------------------------------------------------------------------


async def probe(ctx: Check, level: str | None) -> tuple[Output, dict[str, str]]:
    """Run the app with APP_LOG_LEVEL=`level` (unset: the default), send a request and log a
    marker at each level through a stdlib logger that existed before the app configured
    logging, as your modules' loggers do."""
    ctx.setenv("APP_LOG_LEVEL", level)
    markers = {name: f"probe-{name}-at-{level or 'default'}" for name in
               ("DEBUG", "INFO", "WARNING")}
    # A library's logger, created before the app is imported (as `sqlalchemy.engine` or
    # `httpx` are): it has no level of its own and must reach the root's handler.
    library_logger = logging.getLogger(LIBRARY_LOGGER)
    markers |= {f"library-{name}": f"library-{name}-at-{level or 'default'}" for name in
                ("DEBUG", "INFO", "WARNING")}
    with app_output() as output:
        async with ctx.client() as client:
            await client.get("/tasks", headers={"X-Request-ID": markers["INFO"] + "-request"})
            probe_logger = logging.getLogger(PROBE_LOGGER)
            for name, marker in markers.items():
                if name.startswith("library-"):
                    library_logger.log(logging.getLevelName(name.removeprefix("library-")),
                                       marker)
                else:
                    probe_logger.log(logging.getLevelName(name), marker)
    return output, markers


def seen(output: Output, text: str) -> bool:
    records, _ = parse_lines(output.lines("stdout"))
    return any(mentions(record, text) for record in records)


def has_request_line(output: Output) -> bool:
    """A request line (method and status) among the JSON records on stdout."""
    records, _ = parse_lines(output.lines("stdout"))
    return bool(request_lines(records))


@check("29.3")
async def the_default_level_is_info(ctx: Check) -> None:
    """With no setting, INFO and up reach stdout as JSON, from every logger; DEBUG does not."""
    output, markers = await probe(ctx, None)
    require_json_on_stdout(output)
    got = show_lines(output.lines("stdout"))
    expect(
        has_request_line(output),
        expected="the request line (INFO) on stdout as JSON, with no setting at all",
        got=got,
    )
    expect(
        seen(output, markers["INFO"]) and seen(output, markers["WARNING"]),
        expected=f"records of the stdlib logger {PROBE_LOGGER!r} (created before the app "
        "configured logging, as a module's logger is) at INFO and WARNING, as JSON on stdout",
        got=got,
    )
    expect(
        seen(output, markers["library-INFO"]) and seen(output, markers["library-WARNING"]),
        expected=f"records of a library's logger {LIBRARY_LOGGER!r} (created before the app "
        "was imported, with no level of its own) at INFO and WARNING, as JSON on stdout: the "
        "level and the handler sit on the root logger, and no existing logger is disabled",
        got=got,
    )
    expect(
        not seen(output, markers["DEBUG"]),
        expected="no DEBUG record by default: INFO is the production default",
        got=got,
    )


@check("29.3")
async def app_log_level_warning_drops_info(ctx: Check) -> None:
    """With APP_LOG_LEVEL=WARNING, request lines (INFO) are dropped and warnings kept."""
    output, markers = await probe(ctx, "WARNING")
    require_json_on_stdout(output)
    got = show_lines(output.lines("stdout"))
    expect(
        seen(output, markers["WARNING"]),
        expected="the WARNING record as JSON on stdout",
        got=got,
    )
    expect(
        not seen(output, markers["INFO"]) and not has_request_line(output),
        expected="no INFO record (neither the request line nor the probe's) at "
        "APP_LOG_LEVEL=WARNING: the level comes from settings",
        got=got,
    )


@check("29.3")
async def app_log_level_debug_shows_debug(ctx: Check) -> None:
    """With APP_LOG_LEVEL=DEBUG, DEBUG records reach stdout as JSON."""
    output, markers = await probe(ctx, "DEBUG")
    require_json_on_stdout(output)
    expect(
        seen(output, markers["DEBUG"]) and has_request_line(output)
        and seen(output, markers["library-DEBUG"]),
        expected="the DEBUG records (of the app's logger and of a library's) and the request "
        "line as JSON on stdout at APP_LOG_LEVEL=DEBUG",
        got=show_lines(output.lines("stdout")),
    )
