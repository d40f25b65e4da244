"""A pytest plugin the grader loads into the learner's test run (`-p _workbook_probe`).

It changes nothing: it watches, test by test, how the tests reach the app (httpx's
ASGITransport or Starlette's TestClient), whether the app's lifespan is running (and is shut
down again) and the database dependency is overridden when a request arrives, which databases
each test connects to, whether the sessions the app got during a request were closed, whether
the engines behind them were disposed and whether the overrides were cleared after each test.
It writes what it saw as JSON to $WORKBOOK_PROBE_OUT at the end.

It instruments the app when pytest imports it (`-p` plugins are imported before the first
conftest.py), so a conftest that imports `lifespan` by name gets the instrumented one.
"""

import contextlib
import inspect
import itertools
import json
import os
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

RECORD: dict[str, dict[str, Any]] = {}
STATE: dict[str, Any] = {"test": "(outside any test)", "in_request": 0}
# Lifespans started and not shut down yet: token -> the test that started it. One the
# test never exits counts as shut down only if exited normally, even by a later fixture.
ACTIVE_LIFESPANS: dict[object, str] = {}
# A serial number for each connection pool seen: an engine's database identity in memory.
POOL_SERIALS: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()
DISPOSED_POOLS: set[int] = set()
SERIALS = itertools.count(1)
# Sessions made while a request was being handled: session -> [test, closed?].
SESSIONS: "weakref.WeakKeyDictionary[Any, list[Any]]" = weakref.WeakKeyDictionary()
SESSION_RECORDS: list[list[Any]] = []


def _entry(test: str | None = None) -> dict[str, Any]:
    return RECORD.setdefault(
        test or STATE["test"],
        {
            "is_async": False,
            "asgi_requests": 0,
            "testclient_requests": 0,
            "requests_without_lifespan": 0,
            "requests_without_override": 0,
            "lifespan_starts": 0,
            "lifespan_shutdowns": 0,
            "override_left_after_teardown": False,
            "unclosed_sessions": 0,
            "databases": [],
            "request_pools": [],
            "undisposed_pools": [],
            "outcome": "",
        },
    )


def _note_request(app: Any) -> None:
    entry = _entry()
    if not ACTIVE_LIFESPANS:
        entry["requests_without_lifespan"] += 1
    get_session = STATE.get("get_session")
    overrides = getattr(app, "dependency_overrides", None)
    if get_session is not None and overrides is not None and get_session not in overrides:
        entry["requests_without_override"] += 1


def _probed_lifespan(original: Callable[..., Any]) -> Callable[..., AsyncIterator[Any]]:
    """An async generator function that runs `original` (the lifespan's body) and records it."""

    async def lifespan(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        owner = STATE["test"]
        token = object()
        ACTIVE_LIFESPANS[token] = owner
        _entry(owner)["lifespan_starts"] += 1
        shut_down = False
        try:
            async with contextlib.asynccontextmanager(original)(*args, **kwargs) as state:
                try:
                    yield state
                except GeneratorExit:
                    # Closed by the garbage collector or the loop, not by the test.
                    raise
                except BaseException:
                    shut_down = True
                    raise
                shut_down = True
        finally:
            ACTIVE_LIFESPANS.pop(token, None)
            if shut_down:
                _entry(owner)["lifespan_shutdowns"] += 1

    return lifespan


def _instrument_lifespan(app: Any, app_main: Any) -> None:
    """Every way of running the app's lifespan ends in its generator: instrument that."""
    helper = getattr(app_main, "lifespan", None)
    cells = getattr(helper, "__closure__", None) or ()
    for cell in cells:
        with contextlib.suppress(ValueError):
            if inspect.isasyncgenfunction(cell.cell_contents):
                cell.cell_contents = _probed_lifespan(cell.cell_contents)
                return
    # Not a contextlib.asynccontextmanager: watch the router's entry point instead.
    original = app.router.lifespan_context

    async def through_router(application: Any) -> AsyncIterator[Any]:
        async with original(application) as state:
            yield state

    app.router.lifespan_context = contextlib.asynccontextmanager(_probed_lifespan(through_router))


def _pool_serial(pool: Any) -> int:
    serial = POOL_SERIALS.get(pool)
    if serial is None:
        serial = POOL_SERIALS[pool] = next(SERIALS)
    return serial


def _database(engine: Any) -> tuple[str, str]:
    """(identity, label) of the database an engine connects to."""
    url = engine.url
    label = url.render_as_string(hide_password=True)
    if url.get_backend_name() != "sqlite":
        return label, label
    database = url.database or ""
    query = str(url.query) + database
    if database in ("", ":memory:") or "mode=memory" in query:
        if "cache=shared" in query and database:
            return f"shared-memory {database}", label
        # A private in-memory database lives in its engine's pool of connections.
        serial = _pool_serial(engine.pool)
        return f"memory #{serial}", f"{label.replace('%3A', ':')} (in-memory, engine #{serial})"
    return f"file {os.path.realpath(database)}", label


def _instrument() -> None:
    import httpx
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.ext.asyncio import AsyncSession

    import app.main as app_main
    from app.db import get_session

    app = app_main.app
    STATE["get_session"] = get_session
    STATE["app"] = app
    original_handle = httpx.ASGITransport.handle_async_request

    async def handle(self: httpx.ASGITransport, request: httpx.Request) -> httpx.Response:
        _entry()["asgi_requests"] += 1
        _note_request(getattr(self, "app", None))
        STATE["in_request"] += 1
        try:
            return await original_handle(self, request)
        finally:
            STATE["in_request"] -= 1

    httpx.ASGITransport.handle_async_request = handle  # type: ignore[method-assign]

    with contextlib.suppress(ImportError):
        from starlette.testclient import TestClient

        original_request = TestClient.request

        def request(self: Any, *args: Any, **kwargs: Any) -> Any:
            _entry()["testclient_requests"] += 1
            _note_request(getattr(self, "app", None))
            STATE["in_request"] += 1
            try:
                return original_request(self, *args, **kwargs)
            finally:
                STATE["in_request"] -= 1

        TestClient.request = request  # type: ignore[method-assign]

    _instrument_lifespan(app, app_main)

    def connected(connection: Any) -> None:
        entry = _entry()
        identity, label = _database(connection.engine)
        if [identity, label] not in entry["databases"]:
            entry["databases"].append([identity, label])
        if STATE["in_request"] > 0:
            serial = _pool_serial(connection.engine.pool)
            if serial not in entry["request_pools"]:
                entry["request_pools"].append(serial)

    event.listen(Engine, "engine_connect", connected)

    original_dispose = Engine.dispose

    def dispose(self: Engine, close: bool = True) -> None:
        DISPOSED_POOLS.add(_pool_serial(self.pool))
        original_dispose(self, close)

    Engine.dispose = dispose  # type: ignore[method-assign]

    original_init = AsyncSession.__init__
    original_close = AsyncSession.close

    def init(self: AsyncSession, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if STATE["in_request"] > 0:
            record = [STATE["test"], False]
            SESSIONS[self] = record
            SESSION_RECORDS.append(record)

    async def close(self: AsyncSession) -> None:
        record = SESSIONS.get(self)
        if record is not None:
            record[1] = True
        await original_close(self)

    AsyncSession.__init__ = init  # type: ignore[method-assign]
    AsyncSession.close = close  # type: ignore[method-assign]


_instrument()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    STATE["test"] = item.nodeid
    function = getattr(item, "obj", None)
    entry = _entry()
    entry["is_async"] = inspect.iscoroutinefunction(function)
    try:
        return (yield)
    finally:
        # Setup, call and teardown are over: what is still set up was left behind.
        app = STATE["app"]
        entry["override_left_after_teardown"] = STATE["get_session"] in app.dependency_overrides
        entry["unclosed_sessions"] = sum(
            1 for test, closed in SESSION_RECORDS if test == item.nodeid and not closed
        )
        STATE["test"] = "(outside any test)"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    entry = RECORD.setdefault(report.nodeid, {})
    if report.failed or (report.when == "call" and not entry.get("outcome")):
        entry["outcome"] = report.outcome


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for entry in RECORD.values():
        entry["undisposed_pools"] = [
            serial for serial in entry.get("request_pools", []) if serial not in DISPOSED_POOLS
        ]
    path = os.environ.get("WORKBOOK_PROBE_OUT")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(RECORD, out, indent=1)
