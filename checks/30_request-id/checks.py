"""Checks for lesson 30: a request id, validated at the edge, echoed, carried everywhere.

Ids are read from the response's `X-Request-ID` header, from the JSON lines the app writes to
stdout (redirected before the app is imported, as in lesson 29), and from the calls the app
makes to a webhook: a small HTTP server on loopback that records every request it receives.
Concurrency is real: 50 requests in flight at once on one event loop, each with its own id,
the webhook answering slowly so that they interleave.

The checks of rules 30.1 and 30.2 marked portable know nothing of the tasks domain: they send
GET /openapi.json and an unknown path, so they run on any FastAPI app.
"""

import asyncio
import contextlib
import io
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import Request

from workbook.harness import Check, check, expect, expect_status, json_body

HEADER = "X-Request-ID"
PROBE_LOGGER = "app.probe"
# What the README calls a well-formed id; the app's own fresh ids must look like this too.
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "method": ("method", "http_method", "http.method", "http.request.method"),
    "status": ("status", "status_code", "http_status", "http.status_code",
               "http.response.status_code"),
    "request_id": ("request_id", "requestId", "correlation_id", "x_request_id"),
}
CONCURRENT = 50


# --- reading what the app wrote (as in lesson 29) -------------------------------------------

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
    for name in ("duration_ms", "duration", "duration_s", "elapsed_ms", "latency_ms"):
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



def request_id_header(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get(HEADER)
    return value


def is_well_formed(value: str | None) -> bool:
    return value is not None and WELL_FORMED.fullmatch(value) is not None


def show_headers(response: httpx.Response) -> str:
    echoed = request_id_header(response)
    if echoed is not None and len(echoed) > 64:
        echoed = f"{echoed[:20]}… ({len(echoed)} characters)"
    shown = "(no X-Request-ID header)" if echoed is None else f"X-Request-ID: {echoed}"
    return stable(f"{response.status_code}, {shown}")


# --- a webhook on loopback ------------------------------------------------------------------------


@dataclass
class Call:
    """One request the webhook received."""

    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


NO_CONTENT = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@dataclass
class Webhook:
    """An HTTP server on 127.0.0.1 that records each request and answers 204, after `delay`."""

    delay: float = 0.0
    calls: list[Call] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            headers: dict[str, str] = {}
            for line in head.decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            body = await reader.readexactly(length) if length else b""
            self.calls.append(Call(headers, body))
            await asyncio.sleep(self.delay)
            writer.write(NO_CONTENT)
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def webhook(ctx: Check, delay: float = 0.0) -> AsyncIterator[Webhook]:
    """A recording webhook, its address in APP_WEBHOOK_URL before the app is imported."""
    hook = Webhook(delay)
    server = await asyncio.start_server(hook.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    ctx.setenv("APP_WEBHOOK_URL", f"http://127.0.0.1:{port}/hooks/tasks")
    try:
        yield hook
    finally:
        server.close()
        await server.wait_closed()


def title_of(call: Call) -> str | None:
    """The task title in a webhook event, wherever the event puts it."""
    body = call.json()
    if isinstance(body, dict):
        task = body.get("task", body)
        if isinstance(task, dict) and isinstance(task.get("title"), str):
            return str(task["title"])
    return None


# --- dependency overrides --------------------------------------------------------------------


class EmptyStore:
    """Stands in for the task store: GET /tasks lists nothing."""

    def list(self) -> list[Any]:
        return []


async def logging_store(request: Request) -> EmptyStore:
    """Overrides the task store: logs, from inside the request, through a stdlib logger that
    existed before the app configured logging; waits, so concurrent requests interleave;
    logs again."""
    sent = request.headers.get(HEADER, "")
    probe_logger = logging.getLogger(PROBE_LOGGER)
    probe_logger.info(f"probe-before {sent}")
    await asyncio.sleep(0.02)
    probe_logger.info(f"probe-after {sent}")
    return EmptyStore()


def crash_store() -> None:
    raise RuntimeError("the task store is on fire (a check's deliberate failure)")


def override_store(ctx: Check, replacement: Any) -> Any:
    """The app with `get_task_store` (app/tasks/dependencies.py) overridden."""
    get_task_store = ctx.attribute("app.tasks.dependencies", "get_task_store",
                                   required_by="30.3")
    app = ctx.app()
    overrides = getattr(app, "dependency_overrides", None)
    if not isinstance(overrides, dict):
        raise AssertionError("app.main.app is not a FastAPI app")
    overrides[get_task_store] = replacement
    return app


# --- 30.1 ----------------------------------------------------------------------


@check("30.1", baseline=True)
async def tasks_are_created_and_the_webhook_told(ctx: Check) -> None:
    """A created task is listed, and the webhook receives a task.created event for it."""
    with app_output():
        async with webhook(ctx) as hook, ctx.client() as client:
            created = await client.post("/tasks", json={"title": "Write the report"})
            listed = await client.get("/tasks")
    expect_status(created, 201, because="a valid task is created")
    expect_status(listed, 200)
    expect(len(json_body(listed)) == 1, expected="one task listed", got=listed,
           response=listed)
    titles = [title_of(call) for call in hook.calls]
    expect(titles == ["Write the report"],
           expected="one webhook call carrying the new task",
           got=f"{len(hook.calls)} calls with titles {titles}", response=created)


@check("30.1", portable=True)
async def a_sent_id_is_echoed(ctx: Check) -> None:
    """A well-formed X-Request-ID comes back unchanged, on a 200 and on a 404 alike."""
    sent = (("/openapi.json", "req-30-echo"), ("/no-such-route-30", "req-30-unknown-path"))
    with app_output():
        async with ctx.client() as client:
            responses = [await client.get(path, headers={HEADER: rid}) for path, rid in sent]
    for response, (_, request_id) in zip(responses, sent, strict=True):
        expect(
            request_id_header(response) == request_id,
            expected=f"the response to carry `{HEADER}: {request_id}`, the id the client "
            "sent, so that client and server logs can be joined",
            got=show_headers(response),
            response=response,
        )


@check("30.1", portable=True)
async def an_id_is_made_when_none_is_sent(ctx: Check) -> None:
    """Without X-Request-ID, each response carries a fresh, well-formed id of its own."""
    with app_output():
        async with ctx.client() as client:
            responses = [await client.get("/openapi.json") for _ in range(3)]
    ids = [request_id_header(response) for response in responses]
    expect(
        all(is_well_formed(value) for value in ids) and len(set(ids)) == 3,
        expected=f"three responses with `{HEADER}`, three different well-formed ids (such as "
        "uuid4().hex) made by the app",
        got="; ".join(show_headers(response) for response in responses),
        response=responses[-1],
    )


@check("30.1")
async def error_answers_echo_the_id(ctx: Check) -> None:
    """A 404, a 422 and a 500 (a crashing dependency) all carry the request's id."""
    with app_output():
        async with ctx.client() as client:
            missing = await client.get("/tasks/999", headers={HEADER: "req-30-404"})
            invalid = await client.post("/tasks", json={"title": 42},
                                        headers={HEADER: "req-30-422"})
        app = override_store(ctx, crash_store)
        async with ctx.client(app) as client:
            crashed = await client.get("/tasks", headers={HEADER: "req-30-500"})
    for response, status, request_id in ((missing, 404, "req-30-404"),
                                          (invalid, 422, "req-30-422"),
                                          (crashed, 500, "req-30-500")):
        expect_status(response, status)
        expect(
            request_id_header(response) == request_id,
            expected=f"the {status} answer to carry `{HEADER}: {request_id}`: an error is when "
            "the client most needs the id to report",
            got=show_headers(response),
            response=response,
        )


# --- 30.2 ----------------------------------------------------------------------

MALFORMED: dict[str, str | bytes] = {
    "a space": "req 30 with spaces",
    "an ANSI escape": "\x1b[2J\x1b[31mreq-30-red",
    "a line break": "req-30\nlevel=ERROR forged=true",
    "a trailing line break": "req-30-trailing\n",
    "a NUL byte": "req-30\x00nul",
    "markup": "<script>alert(30)</script>",
    "non-ASCII bytes": "заявка-30".encode(),
    "non-ASCII letters": "req-30-café".encode("latin-1"),
    "an empty value": "",
}
OVERSIZED: dict[str, str] = {"200 characters": "r" * 200, "5000 characters": "x" * 5000}
WELL_FORMED_IDS = (
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "01JDQ7ZK3V9X4M2N8P5R6S7T8W",
    "req-30.kept_as-is",
    "k" * 64,
)


def shown_id(value: str | bytes) -> str:
    if len(value) <= 40:
        return repr(value)
    return repr(value[:20]) + f"… ({len(value)} characters)"


async def replaced(ctx: Check, cases: dict[str, Any]) -> None:
    with app_output():
        async with ctx.client() as client:
            responses = [
                await client.get("/openapi.json", headers={HEADER: value})
                for value in cases.values()
            ]
    for (label, value), response in zip(cases.items(), responses, strict=True):
        echoed = request_id_header(response)
        sent = value.decode("latin-1") if isinstance(value, bytes) else value
        # A replacement is fresh: not the value cut to 64, nor the value with its bad
        # characters stripped (both keep attacker-chosen text).
        salvaged = re.sub(r"[^A-Za-z0-9._-]", "", sent)
        expect(
            is_well_formed(echoed) and echoed is not None and echoed not in sent
            and echoed != salvaged,
            expected=f"an id with {label} ({shown_id(value)}) to be replaced by a fresh, "
            "well-formed one (1 to 64 of A-Z a-z 0-9 . _ -), echoed in its place: never "
            "logged or forwarded as sent, nor cut or cleaned up and kept",
            got=show_headers(response),
            response=response,
        )


@check("30.2", portable=True)
async def a_malformed_id_is_replaced(ctx: Check) -> None:
    """An id with spaces, control characters, markup or non-ASCII bytes is replaced."""
    await replaced(ctx, MALFORMED)


@check("30.2", portable=True)
async def an_oversized_id_is_replaced(ctx: Check) -> None:
    """An id longer than 64 characters (200, 5000) is replaced, not echoed."""
    await replaced(ctx, OVERSIZED)


@check("30.2", portable=True)
async def a_well_formed_id_is_kept(ctx: Check) -> None:
    """UUIDs, ULIDs and other ids of up to 64 safe characters are kept as sent."""
    with app_output():
        async with ctx.client() as client:
            responses = [
                await client.get("/openapi.json", headers={HEADER: value})
                for value in WELL_FORMED_IDS
            ]
    for value, response in zip(WELL_FORMED_IDS, responses, strict=True):
        expect(
            request_id_header(response) == value,
            expected=f"the well-formed id {shown_id(value)} echoed unchanged",
            got=show_headers(response),
            response=response,
        )


@check("30.2")
async def the_replacement_is_what_gets_logged_and_forwarded(ctx: Check) -> None:
    """For a malformed id, the request line and the webhook call carry the replacement."""
    bad = "req-30\nlevel=ERROR forged=true"
    with app_output() as output:
        async with webhook(ctx) as hook, ctx.client() as client:
            response = await client.post("/tasks", json={"title": "forged"},
                                         headers={HEADER: bad})
    expect_status(response, 201)
    echoed = request_id_header(response)
    expect(is_well_formed(echoed) and echoed != bad,
           expected="the malformed id replaced by a fresh one in the response",
           got=show_headers(response), response=response)
    records, others = parse_lines(output.lines("stdout"))
    logged = [value_of(line, "request_id") for line in request_lines(records)]
    expect(
        logged == [echoed],
        expected="one request line on stdout whose request_id is the replacement the client "
        "received, not the malformed value",
        got=f"request ids in the request lines: {stable(repr(logged))}\n"
        + show_lines([show_record(record) for record in records] + others),
        response=response,
    )
    forwarded = [call.headers.get(HEADER.lower()) for call in hook.calls]
    expect(
        forwarded == [echoed],
        expected=f"the webhook call to carry `{HEADER}` with the replacement",
        got=f"{HEADER} values the webhook received: {stable(repr(forwarded))}",
        response=response,
    )


def crossed(count: int, what: str) -> str:
    """How many went wrong, in words that read the same on every run (how many of the
    requests in flight overwrote each other depends on scheduling)."""
    if count == 0:
        return f"{what}: none"
    return f"{what}: at least one"


# --- 30.3 ----------------------------------------------------------------------


@check("30.3")
async def records_logged_during_a_request_carry_its_id(ctx: Check) -> None:
    """Any logger's record written while a request runs carries that request's id."""
    with app_output() as output:
        app = override_store(ctx, logging_store)
        async with ctx.client(app) as client:
            response = await client.get("/tasks", headers={HEADER: "req-30-logs"})
    expect_status(response, 200)
    records, others = parse_lines(output.lines("stdout"))
    probes = [r for r in records if str(r.get("message", "")).startswith("probe-")]
    ids = [value_of(record, "request_id") for record in probes]
    expect(
        len(probes) == 2 and ids == ["req-30-logs", "req-30-logs"],
        expected=f"the two records the stdlib logger {PROBE_LOGGER!r} wrote inside the request "
        "to carry request_id 'req-30-logs': a logging filter (or a structlog contextvars "
        "processor) adds the id from a context variable to every record",
        got=show_lines([show_record(record) for record in records] + others),
        response=response,
    )


@check("30.3")
async def the_outgoing_call_carries_the_id(ctx: Check) -> None:
    """The webhook call a create makes carries the create's X-Request-ID."""
    with app_output():
        async with webhook(ctx) as hook, ctx.client() as client:
            first = await client.post("/tasks", json={"title": "one"},
                                      headers={HEADER: "req-30-call-1"})
            second = await client.post("/tasks", json={"title": "two"})
    expect_status(first, 201)
    expect_status(second, 201)
    forwarded = [(title_of(call), call.headers.get(HEADER.lower())) for call in hook.calls]
    expected = [("one", "req-30-call-1"), ("two", request_id_header(second))]
    expect(
        forwarded == expected,
        expected=f"the webhook calls to carry `{HEADER}`: the id sent ('req-30-call-1'), then "
        "the id the app made for a request that came without one (the one it echoed)",
        got=f"(title, {HEADER}) per webhook call: {stable(repr(forwarded))}",
        response=second,
    )


@check("30.3", timeout=60)
async def concurrent_creates_never_mix_ids(ctx: Check) -> None:
    """50 concurrent creates: every echo, webhook call and request line has its own id."""
    ids = [f"req-30-c{number:02d}" for number in range(CONCURRENT)]
    with app_output() as output:
        async with webhook(ctx, delay=0.05) as hook, ctx.client() as client:
            responses = await asyncio.gather(*(
                client.post("/tasks", json={"title": request_id}, headers={HEADER: request_id})
                for request_id in ids
            ))
    for response in responses:
        expect_status(response, 201)
    wrong_echo = [r for r in responses if request_id_header(r) != json_body(r)["title"]]
    expect(not wrong_echo, expected="each response to echo its own request's id",
           got=crossed(len(wrong_echo), "responses that echoed another request's id, or none"),
           response=responses[0])
    mixed = [call for call in hook.calls if title_of(call) != call.headers.get(HEADER.lower())]
    expect(
        len(hook.calls) == CONCURRENT and not mixed,
        expected=f"{CONCURRENT} webhook calls, each carrying the id of the request that made "
        "it: a context variable, not a global, holds the id",
        got=crossed(len(mixed), f"webhook calls with another request's {HEADER}, or none"),
        response=responses[-1],
    )
    records, _ = parse_lines(output.lines("stdout"))
    logged = sorted(str(value_of(line, "request_id")) for line in request_lines(records))
    expect(logged == ids,
           expected=f"{CONCURRENT} request lines, one per id",
           got=f"{len(logged)} request lines; ids missing: {sorted(set(ids) - set(logged))[:5]}",
           response=responses[-1])


@check("30.3", timeout=60)
async def concurrent_requests_log_their_own_ids(ctx: Check) -> None:
    """50 concurrent requests log, wait and log again: each record has its own request's id."""
    ids = [f"req-30-l{number:02d}" for number in range(CONCURRENT)]
    with app_output() as output:
        app = override_store(ctx, logging_store)
        async with ctx.client(app) as client:
            responses = await asyncio.gather(*(
                client.get("/tasks", headers={HEADER: request_id}) for request_id in ids
            ))
    for response in responses:
        expect_status(response, 200)
    records, _ = parse_lines(output.lines("stdout"))
    probes = [r for r in records if str(r.get("message", "")).startswith("probe-")]
    mixed = [r for r in probes
             if str(r.get("message", "")).split(" ", 1)[-1] != value_of(r, "request_id")]
    expect(
        len(probes) == 2 * CONCURRENT and not mixed,
        expected=f"{2 * CONCURRENT} probe records, each with the id of the request that wrote "
        "it (the id is in the message too)",
        got=f"{len(probes)} probe records; "
        + crossed(len(mixed), "records with another request's request_id, or none"),
        response=responses[-1],
    )
