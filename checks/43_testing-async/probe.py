"""A pytest plugin the grader loads into the learner's test run (`-p _workbook_probe`).

It changes nothing: it watches, test by test, how the tests reach the app (httpx's
ASGITransport or Starlette's TestClient), whether the app's lifespan is running and the
database dependency is overridden when a request arrives, and which database engines each
test connects to. It writes what it saw as JSON to $WORKBOOK_PROBE_OUT at the end.
"""

import contextlib
import inspect
import json
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

RECORD: dict[str, dict[str, Any]] = {}
STATE: dict[str, Any] = {"test": "(outside any test)", "lifespan_depth": 0}


def _entry() -> dict[str, Any]:
    return RECORD.setdefault(
        STATE["test"],
        {
            "is_async": False,
            "asgi_requests": 0,
            "testclient_requests": 0,
            "requests_without_lifespan": 0,
            "requests_without_override": 0,
            "engines": [],
            "outcome": "",
        },
    )


def _note_request(app: Any) -> None:
    entry = _entry()
    if STATE["lifespan_depth"] <= 0:
        entry["requests_without_lifespan"] += 1
    get_session = STATE.get("get_session")
    overrides = getattr(app, "dependency_overrides", None)
    if get_session is not None and overrides is not None and get_session not in overrides:
        entry["requests_without_override"] += 1


def pytest_configure(config: pytest.Config) -> None:
    import httpx
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from app.db import get_session
    from app.main import app

    STATE["get_session"] = get_session
    original_handle = httpx.ASGITransport.handle_async_request

    async def handle(self: httpx.ASGITransport, request: httpx.Request) -> httpx.Response:
        _entry()["asgi_requests"] += 1
        _note_request(getattr(self, "app", None))
        return await original_handle(self, request)

    httpx.ASGITransport.handle_async_request = handle  # type: ignore[method-assign]

    with contextlib.suppress(ImportError):
        from starlette.testclient import TestClient

        original_request = TestClient.request

        def request(self: Any, *args: Any, **kwargs: Any) -> Any:
            _entry()["testclient_requests"] += 1
            _note_request(getattr(self, "app", None))
            return original_request(self, *args, **kwargs)

        TestClient.request = request  # type: ignore[method-assign]

    original_lifespan = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def probed_lifespan(application: Any) -> AsyncIterator[Any]:
        STATE["lifespan_depth"] += 1
        try:
            async with original_lifespan(application) as state:
                yield state
        finally:
            STATE["lifespan_depth"] -= 1

    app.router.lifespan_context = probed_lifespan

    def connected(connection: Any) -> None:
        engine = connection.engine
        key = f"{id(engine)} {engine.url}"
        engines = _entry()["engines"]
        if key not in engines:
            engines.append(key)

    event.listen(Engine, "engine_connect", connected)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    STATE["test"] = item.nodeid
    function = getattr(item, "obj", None)
    _entry()["is_async"] = inspect.iscoroutinefunction(function)
    try:
        return (yield)
    finally:
        STATE["test"] = "(outside any test)"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    entry = RECORD.setdefault(report.nodeid, {})
    if report.failed or (report.when == "call" and not entry.get("outcome")):
        entry["outcome"] = report.outcome


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = os.environ.get("WORKBOOK_PROBE_OUT")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(RECORD, out, indent=1)
