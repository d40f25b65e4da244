"""Checks for lesson 33: traces of requests, their database calls and outgoing calls.

`create_app(tracer_provider=...)` is given an OpenTelemetry SDK `TracerProvider` whose spans
go to an `InMemorySpanExporter`; the checks read the finished spans (name, kind, trace id,
parent) and what a webhook on loopback received (`traceparent`). Log lines are read from the
app's real stdout, redirected before the app is imported (as in lesson 29).

OpenTelemetry instrumentors are process-wide: before and after each check, any left
instrumented is undone, so every check starts clean.
"""

import asyncio
import contextlib
import io
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import Request
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

ITEM_ROUTE = "/tasks/{task_id}"
PROBE_LOGGER = "app.probe"
# A caller's trace context, as a W3C traceparent header: version, trace id, parent id, flags.
CALLER_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN_ID = "00f067aa0ba902b7"
CALLER_TRACEPARENT = f"00-{CALLER_TRACE_ID}-{CALLER_SPAN_ID}-01"


# --- spans ------------------------------------------------------------------------------------


def hex_trace(span: ReadableSpan) -> str:
    return format(span.context.trace_id, "032x") if span.context else ""


def hex_span(span: ReadableSpan) -> str:
    return format(span.context.span_id, "016x") if span.context else ""


def parent_of(span: ReadableSpan) -> str:
    return format(span.parent.span_id, "016x") if span.parent else ""


def attribute(span: ReadableSpan, *names: str) -> Any:
    attributes = span.attributes or {}
    for name in names:
        if name in attributes:
            return attributes[name]
    return None


def show_spans(spans: list[ReadableSpan], limit: int = 14) -> str:
    if not spans:
        return "(no span at all)"
    ids = {hex_span(span): f"#{number}" for number, span in enumerate(spans, 1)}
    lines = []
    for number, span in enumerate(spans[:limit], 1):
        parent = ids.get(parent_of(span), "a caller" if span.parent else "none")
        scope = span.instrumentation_scope.name if span.instrumentation_scope else ""
        # A database span's name ends with the database's name: a path that differs per run.
        name = span.name.split(" ")[0] + " …" if is_database_span(span) else span.name
        lines.append(f"#{number} {name!r} kind={span.kind.name} parent={parent} "
                     f"scope={scope}")
    more = f"\n… ({len(spans) - limit} more spans)" if len(spans) > limit else ""
    return "\n".join(lines) + more


@dataclass
class Traces:
    exporter: InMemorySpanExporter

    @property
    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def servers(self) -> list[ReadableSpan]:
        return [span for span in self.spans if span.kind is SpanKind.SERVER]

    def server_for(self, path: str) -> ReadableSpan | None:
        found = [span for span in self.servers()
                 if attribute(span, "url.path", "http.target") == path]
        return found[-1] if found else None

    def descendants(self, root: ReadableSpan) -> list[ReadableSpan]:
        """Spans of root's trace whose chain of parents leads to root."""
        by_id = {hex_span(span): span for span in self.spans}
        found = []
        for span in self.spans:
            if hex_trace(span) != hex_trace(root) or span is root:
                continue
            current: ReadableSpan | None = span
            while current is not None and current.parent is not None:
                if parent_of(current) == hex_span(root):
                    found.append(span)
                    break
                current = by_id.get(parent_of(current))
        return found


def is_database_span(span: ReadableSpan) -> bool:
    return span.kind is SpanKind.CLIENT and attribute(
        span, "db.system", "db.system.name", "db.statement", "db.query.text") is not None


def is_http_client_span(span: ReadableSpan) -> bool:
    return span.kind is SpanKind.CLIENT and attribute(
        span, "http.request.method", "http.method") is not None


def _uninstrument_everything() -> None:
    """Undo process-wide instrumentation a previous app left behind."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    for instrumentor in (SQLAlchemyInstrumentor(), HTTPXClientInstrumentor()):
        if getattr(instrumentor, "_is_instrumented_by_opentelemetry", False):
            with contextlib.suppress(Exception):
                instrumentor.uninstrument()


def traced_app(ctx: Check, rule: str) -> tuple[Any, Traces]:
    """The app from `create_app(tracer_provider=...)`, its spans kept in memory."""
    create_app: Callable[..., Any] = ctx.attribute("app.main", "create_app",
                                                   required_by="33.1")
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    try:
        app = create_app(tracer_provider=provider)
    except TypeError as error:
        message = f"create_app(tracer_provider=...) failed: {error}"
        if rule != "33.1":
            raise Blocked("33.1", message) from None
        expect(False, expected="create_app to accept a tracer_provider", got=message)
        raise
    return app, Traces(exporter)


# --- output and a webhook (as in lessons 29 and 30) ---------------------------------------------


@dataclass
class Output:
    stdout: io.StringIO = field(default_factory=io.StringIO)

    def records(self) -> list[dict[str, Any]]:
        found = []
        for line in self.stdout.getvalue().splitlines():
            with contextlib.suppress(ValueError):
                value = json.loads(line)
                if isinstance(value, dict):
                    found.append(value)
        return found


@contextlib.contextmanager
def isolated() -> Iterator[Output]:
    """Stdout redirected before the app is imported; logging and instrumentation put back."""
    root = logging.getLogger()
    saved = {name: (list(lg.handlers), lg.level, lg.propagate, lg.disabled)
             for name, lg in [("", root), *[
                 (name, candidate) for name, candidate in root.manager.loggerDict.items()
                 if isinstance(candidate, logging.Logger)]]}
    logging.getLogger(PROBE_LOGGER)
    root.handlers.clear()
    _uninstrument_everything()
    output = Output()
    try:
        with contextlib.redirect_stdout(output.stdout), \
                contextlib.redirect_stderr(io.StringIO()):
            yield output
    finally:
        _uninstrument_everything()
        for name, (handlers, level, propagate, disabled) in saved.items():
            lg = logging.getLogger(name or None)
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate = propagate
            lg.disabled = disabled


NO_CONTENT = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@dataclass
class Webhook:
    headers: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            headers: dict[str, str] = {}
            for line in head.decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            if length:
                await reader.readexactly(length)
            self.headers.append(headers)
            writer.write(NO_CONTENT)
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def webhook(ctx: Check) -> AsyncIterator[Webhook]:
    hook = Webhook()
    server = await asyncio.start_server(hook.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    ctx.setenv("APP_WEBHOOK_URL", f"http://127.0.0.1:{port}/hooks/tasks")
    try:
        yield hook
    finally:
        server.close()
        await server.wait_closed()


async def create_task(client: httpx.AsyncClient, title: str = "Ship it") -> httpx.Response:
    response = await client.post("/tasks", json={"title": title})
    expect_status(response, 201, because="a valid task is created")
    return response


def require_server(
    traces: Traces, path: str, response: httpx.Response, *, blocks: bool = False
) -> ReadableSpan:
    server = traces.server_for(path)
    if server is None and blocks:
        raise Blocked("33.1", f"no SERVER span for the request to {path}, so its children "
                      "cannot be looked for")
    expect(
        server is not None,
        expected=f"a SERVER span for the request to {path} (FastAPI's telemetry makes it when "
        "create_app passes tracer_provider to FastAPI(telemetry=...))",
        got="the spans exported:\n" + show_spans(traces.spans),
        response=response,
    )
    assert server is not None
    return server


# --- 33.1 ---------------------------------------------------------------------------------------


@check("33.1", baseline=True)
async def tasks_are_created_and_read(ctx: Check) -> None:
    """A task is created (the webhook is told) and read back; a missing one is 404."""
    with isolated():
        async with webhook(ctx) as hook, ctx.client() as client:
            created = await create_task(client)
            task_id = json_body(created)["id"]
            read = await client.get(f"/tasks/{task_id}")
            missing = await client.get("/tasks/999")
    expect_status(read, 200)
    expect_status(missing, 404)
    expect(len(hook.headers) == 1, expected="one webhook call for the created task",
           got=f"{len(hook.headers)} calls", response=created)


@check("33.1")
async def each_request_has_a_server_span_named_by_its_route(ctx: Check) -> None:
    """Each request makes one SERVER span named `GET /tasks/{task_id}`, with its status code."""
    with isolated():
        app, traces = traced_app(ctx, "33.1")
        async with ctx.client(app) as client:
            await create_task(client, "one")
            await create_task(client, "two")
            answers = {path: await client.get(path)
                       for path in ("/tasks/1", "/tasks/2", "/tasks/999")}
    for path, response in answers.items():
        server = require_server(traces, path, response)
        expect(
            server.name == f"GET {ITEM_ROUTE}",
            expected=f"the span named 'GET {ITEM_ROUTE}': method and route template, so that "
            "spans of one route group together (never the raw path)",
            got=f"{server.name!r}",
            response=response,
        )
        status = attribute(server, "http.response.status_code", "http.status_code")
        expect(
            status == response.status_code,
            expected=f"the span's http.response.status_code to be {response.status_code}",
            got=f"{status!r}",
            response=response,
        )
    servers = [span for span in traces.servers()
               if attribute(span, "url.path", "http.target") in answers]
    expect(len(servers) == 3, expected="exactly one SERVER span per request",
           got=show_spans(servers), response=answers["/tasks/999"])


@check("33.1")
async def a_callers_trace_is_continued(ctx: Check) -> None:
    """A request with `traceparent` gets a SERVER span in the caller's trace, under its span."""
    with isolated():
        app, traces = traced_app(ctx, "33.1")
        async with ctx.client(app) as client:
            await create_task(client)
            response = await client.get("/tasks/1", headers={"traceparent": CALLER_TRACEPARENT})
    server = require_server(traces, "/tasks/1", response)
    expect(
        hex_trace(server) == CALLER_TRACE_ID and parent_of(server) == CALLER_SPAN_ID,
        expected=f"the SERVER span in trace {CALLER_TRACE_ID}, its parent the caller's span "
        f"{CALLER_SPAN_ID}: one trace from the first service to the last",
        got="a trace of its own (" + (f"parent {parent_of(server)}" if server.parent
                                       else "no parent") + ")"
        if hex_trace(server) != CALLER_TRACE_ID
        else f"the caller's trace, but parent {parent_of(server) or '(none)'}",
        response=response,
    )


# --- 33.2 ---------------------------------------------------------------------------------------


@check("33.2")
async def database_calls_are_spans_of_the_request(ctx: Check) -> None:
    """Reading a task makes a database CLIENT span inside the request's SERVER span."""
    with isolated():
        app, traces = traced_app(ctx, "33.2")
        async with ctx.client(app) as client:
            await create_task(client)
            response = await client.get("/tasks/1")
    expect_status(response, 200)
    server = require_server(traces, "/tasks/1", response, blocks=True)
    children = traces.descendants(server)
    expect(
        any(is_database_span(span) for span in children),
        expected="a CLIENT span with db.system (the SQL statement) among the SERVER span's "
        "descendants: SQLAlchemy instrumented, on the app's engine, with the app's "
        "tracer_provider",
        got=f"the spans of the request's trace:\n{show_spans([server, *children])}\n"
        f"all spans exported: {len(traces.spans)}",
        response=response,
    )


@check("33.2")
async def a_second_app_traces_its_own_database(ctx: Check) -> None:
    """After one app has shut down, a second app in the process traces its own statements.

    The SQLAlchemy instrumentor is process-wide: an app that does not `uninstrument()` at
    shutdown leaves the next one (a test, a reload) with an engine nobody instruments."""
    with isolated():
        first, _ = traced_app(ctx, "33.2")
        async with ctx.client(first) as client:
            await create_task(client)
        second, traces = traced_app(ctx, "33.2")
        async with ctx.client(second) as client:
            response = await client.get("/tasks")
    expect_status(response, 200)
    server = require_server(traces, "/tasks", response, blocks=True)
    children = traces.descendants(server)
    expect(
        any(is_database_span(span) for span in children),
        expected="the second app's request to have its database CLIENT span: the first app "
        "calls SQLAlchemyInstrumentor().uninstrument() at shutdown, so the second one can "
        "instrument its own engine (instrument() on an instrumented instrumentor does nothing)",
        got=f"the spans of the second app's request:\n{show_spans([server, *children])}",
        response=response,
    )


@check("33.2")
async def outgoing_calls_are_spans_and_carry_traceparent(ctx: Check) -> None:
    """The webhook call is an HTTP CLIENT span of the request, and carries its traceparent."""
    with isolated():
        async with webhook(ctx) as hook:
            app, traces = traced_app(ctx, "33.2")  # after APP_WEBHOOK_URL is set
            async with ctx.client(app) as client:
                response = await create_task(client)
    server = require_server(traces, "/tasks", response, blocks=True)
    calls = [span for span in traces.descendants(server) if is_http_client_span(span)]
    expect(
        len(calls) == 1,
        expected="one HTTP CLIENT span (the webhook call) among the SERVER span's "
        "descendants: the shared httpx client instrumented with the app's tracer_provider",
        got=f"the spans of the request's trace:\n"
        f"{show_spans([server, *traces.descendants(server)])}",
        response=response,
    )
    sent = [headers.get("traceparent", "") for headers in hook.headers]
    expected = f"00-{hex_trace(server)}-{hex_span(calls[0])}-"
    expect(
        len(sent) == 1 and sent[0].startswith(expected),
        expected=f"the webhook to receive `traceparent: {expected}..`: the request's trace id "
        "and the client span's id, so that the receiver's spans join the trace",
        got=f"traceparent headers received: {[value or '(none)' for value in sent]}",
        response=response,
    )


# --- 33.3 ---------------------------------------------------------------------------------------


def show_record(record: dict[str, Any]) -> str:
    """A log record without what differs between runs (times, ids, durations)."""
    shown = {key: value for key, value in record.items() if key != "time"}
    for key in ("span_id", "request_id", "duration_ms"):
        if key in shown:
            shown[key] = "<varies>"
    return json.dumps(shown)[:300]


async def logging_client(request: Request) -> httpx.AsyncClient:
    """Overrides the HTTP client dependency: logs from inside the request."""
    logging.getLogger(PROBE_LOGGER).info("probe inside the request")
    client: httpx.AsyncClient = request.app.state.probe_client
    return client


@check("33.3")
async def log_lines_carry_the_trace_id(ctx: Check) -> None:
    """Records logged during a request carry its trace_id (and span_id), in hex."""
    get_http_client = ctx.attribute("app.tasks.dependencies", "get_http_client",
                                    required_by="33.3")
    ctx.setenv("APP_WEBHOOK_URL", "")
    with isolated() as output:
        app, traces = traced_app(ctx, "33.3")
        app.dependency_overrides[get_http_client] = logging_client
        async with httpx.AsyncClient() as probe_client, ctx.client(app) as client:
            app.state.probe_client = probe_client
            response = await client.post(
                "/tasks", json={"title": "traced"}, headers={"traceparent": CALLER_TRACEPARENT}
            )
    expect_status(response, 201)
    require_server(traces, "/tasks", response, blocks=True)
    records = output.records()
    probes = [r for r in records if r.get("message") == "probe inside the request"]
    span_ids = {hex_span(span) for span in traces.spans}
    got = "\n".join(show_record(record) for record in records[:6]) or "(no JSON line on stdout)"
    expect(
        len(probes) == 1 and probes[0].get("trace_id") == CALLER_TRACE_ID,
        expected=f"the record the stdlib logger {PROBE_LOGGER!r} wrote inside the request to "
        f"carry trace_id '{CALLER_TRACE_ID}' (32 hex digits, as trace backends show it): a "
        "logging filter reads the current span's context",
        got=got,
        response=response,
    )
    expect(
        probes[0].get("span_id") in span_ids,
        expected="its span_id (16 hex digits) to be one of the request's spans",
        got=f"span_id {probes[0].get('span_id')!r}",
        response=response,
    )
    request_lines = [r for r in records if "method" in r and "status" in r]
    expect(
        bool(request_lines) and all(r.get("trace_id") == CALLER_TRACE_ID for r in request_lines),
        expected="the request line to carry the trace_id too",
        got=got,
        response=response,
    )
