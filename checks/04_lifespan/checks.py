"""Checks for lesson 04: resources live in the lifespan.

The app talks to an upstream people directory over HTTP. The checks never let it reach the
network: while a check runs, `httpx.AsyncClient` is replaced by a subclass that routes every
request to an in-process fake directory (an `httpx.MockTransport`) and remembers each client
the app creates, so a check can count them and ask whether they were closed. The grader's own
client (the one with an `ASGITransport`) is left alone. Database connections are observed with
SQLAlchemy's pool and engine events.
"""

import contextlib
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import ConnectionPoolEntry, Pool

from workbook.harness import (
    Check,
    StartupFailed,
    check,
    error_fields,
    expect,
    expect_status,
    json_body,
)

PEOPLE = {"ada": "Ada Lovelace", "grace": "Grace Hopper", "alan": "Alan Turing"}
REQUESTS = 6


@dataclass
class FakeDirectory:
    """The upstream, served in-process, and every client the app made to reach it."""

    clients: list[httpx.AsyncClient] = field(default_factory=list)
    reachable: bool = True

    def answer(self, request: httpx.Request) -> httpx.Response:
        if not self.reachable:
            raise httpx.ConnectError("the directory is down", request=request)
        login = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        if login not in PEOPLE:
            return httpx.Response(404, json={"detail": "no such person"})
        return httpx.Response(200, json={"login": login, "name": PEOPLE[login]})

    @property
    def open_clients(self) -> int:
        return sum(not client.is_closed for client in self.clients)


@contextlib.contextmanager
def fake_directory() -> Iterator[FakeDirectory]:
    """Route every httpx.AsyncClient the app creates to a FakeDirectory, and count them."""
    directory = FakeDirectory()
    original = httpx.AsyncClient

    class ObservedClient(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            is_grader = isinstance(kwargs.get("transport"), httpx.ASGITransport)
            if not is_grader:
                kwargs["transport"] = httpx.MockTransport(directory.answer)
                kwargs.pop("mounts", None)
            super().__init__(*args, **kwargs)
            if not is_grader:
                directory.clients.append(self)

    httpx.AsyncClient = ObservedClient  # type: ignore[misc]
    try:
        yield directory
    finally:
        httpx.AsyncClient = original  # type: ignore[misc]


@dataclass
class DatabaseWatch:
    engines: list[Engine] = field(default_factory=list)
    opened: list[Any] = field(default_factory=list)
    closed: list[Any] = field(default_factory=list)

    @property
    def still_open(self) -> list[Any]:
        return [conn for conn in self.opened if not any(conn is c for c in self.closed)]


@contextlib.asynccontextmanager
async def watch_database() -> AsyncIterator[DatabaseWatch]:
    """Record the engines used and the DBAPI connections opened and closed meanwhile.

    Connections a wrong app leaves open are closed at the end, so that they cannot warn later,
    while some other check runs.
    """
    watch = DatabaseWatch()

    def on_engine_connect(connection: Connection) -> None:
        if not any(connection.engine is engine for engine in watch.engines):
            watch.engines.append(connection.engine)

    def on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        watch.opened.append(dbapi_connection)

    def on_close(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        watch.closed.append(dbapi_connection)

    listeners: list[tuple[type[Any], str, Callable[..., None]]] = [
        (Engine, "engine_connect", on_engine_connect),
        (Pool, "connect", on_connect),
        (Pool, "close", on_close),
    ]
    for target, name, function in listeners:
        event.listen(target, name, function)
    try:
        yield watch
    finally:
        for target, name, function in listeners:
            event.remove(target, name, function)
        for leftover in watch.still_open:
            with contextlib.suppress(Exception), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                await leftover.driver_connection.close()


@contextlib.asynccontextmanager
async def observed() -> AsyncIterator[tuple[FakeDirectory, DatabaseWatch]]:
    """The fake directory and the database watch together: every check runs inside both."""
    with fake_directory() as directory:
        async with watch_database() as database:
            yield directory, database


async def create_task(client: httpx.AsyncClient, title: str, assignee: str) -> httpx.Response:
    return await client.post("/tasks", json={"title": title, "assignee": assignee})


async def create_tasks(client: httpx.AsyncClient, count: int) -> None:
    logins = list(PEOPLE)
    for number in range(count):
        response = await create_task(client, f"Task {number}", logins[number % len(logins)])
        expect_status(response, 201, because="a task for someone the directory knows is created")


def where(ctx: Check, filename: str) -> str:
    """A file name relative to the target when it is learner code, else as it is."""
    path = Path(filename)
    return str(path.relative_to(ctx.root)) if path.is_relative_to(ctx.root) else path.name


def first_line(message: object) -> str:
    return str(message).strip().splitlines()[0]


def clients_described(count: int) -> str:
    return "no client" if count == 0 else "1 client" if count == 1 else f"{count} clients"


@check("04.1", baseline=True)
async def a_task_gets_the_assignee_name_from_the_directory(ctx: Check) -> None:
    """A created task carries the display name the directory gave, and is listed afterwards."""
    async with observed(), ctx.client() as client:
        created = await create_task(client, "Write the release notes", "grace")
        listed = await client.get("/tasks")
    expect_status(created, 201, because="grace is in the directory")
    expect(
        json_body(created).get("assignee_name") == PEOPLE["grace"],
        expected=f"assignee_name {PEOPLE['grace']!r}, as the directory says",
        got=json_body(created),
        response=created,
    )
    expect_status(listed, 200)
    titles = [task.get("title") for task in json_body(listed)]
    expect(
        titles == ["Write the release notes"],
        expected="GET /tasks to list the one task created",
        got=titles,
        response=listed,
    )


@check("04.1", baseline=True)
async def bad_input_is_refused_and_nothing_is_stored(ctx: Check) -> None:
    """Malformed JSON, wrong types, oversized or missing fields and unknown people get a 4xx."""
    bad_bodies: list[tuple[str, dict[str, Any]]] = [
        ("title", {"title": 42, "assignee": "ada"}),
        ("title", {"title": "x" * 5000, "assignee": "ada"}),
        ("assignee", {"title": "No one"}),
        ("assignee", {"title": "Path trick", "assignee": "../admin"}),
        ("assignee", {"title": "Stranger", "assignee": "mallory"}),
    ]
    async with observed(), ctx.client() as client:
        malformed = await client.post(
            "/tasks", content=b'{"title": "half', headers={"content-type": "application/json"}
        )
        expect_status(malformed, 400, 422, because="the body is not valid JSON")
        for field_name, body in bad_bodies:
            response = await client.post("/tasks", json=body)
            expect_status(response, 422, because=f"`{field_name}` is wrong")
            expect(
                field_name in error_fields(json_body(response)),
                expected=f"the 422 body to name `{field_name}`",
                got=response.text,
                response=response,
            )
        listed = await client.get("/tasks")
    expect(
        json_body(listed) == [],
        expected="no task stored from a refused request",
        got=json_body(listed),
        response=listed,
    )


@check("04.1", baseline=True)
async def an_unreachable_directory_gives_a_gateway_error(ctx: Check) -> None:
    """With the directory down, a create answers 502/503/504 (never 500) and stores nothing."""
    async with observed() as (directory, _):
        directory.reachable = False
        async with ctx.client() as client:
            response = await create_task(client, "Plan the sprint", "ada")
            directory.reachable = True
            listed = await client.get("/tasks")
    expect_status(response, 502, 503, 504, because="the upstream failed, not this service")
    expect(
        json_body(listed) == [],
        expected="no task stored when the directory could not be asked",
        got=json_body(listed),
        response=listed,
    )


@check("04.1")
async def one_client_and_one_engine_serve_every_request(ctx: Check) -> None:
    """The HTTP client and the engine exist once the app has started, and serve every request."""
    async with observed() as (directory, database), ctx.client() as client:
        at_start = len(directory.clients)
        await create_tasks(client, REQUESTS)
        created = len(directory.clients)
    expect(
        created == 1 and at_start == 1,
        expected=(
            f"one httpx.AsyncClient, created in the lifespan before the first request and "
            f"shared by all {REQUESTS} requests"
        ),
        got=(
            f"{clients_described(at_start)} when start-up finished, "
            f"{clients_described(created)} after {REQUESTS} requests"
        ),
        note="Create the client in the lifespan and hand it to the routes through its state.",
    )
    expect(
        len(database.engines) == 1,
        expected=f"one engine for all {REQUESTS} requests",
        got=f"{len(database.engines)} engines",
    )


@check("04.1")
async def each_start_builds_its_own_resources(ctx: Check) -> None:
    """Nothing is built at import; each start of the app opens a client and an engine of its own."""
    async with observed() as (directory, database):
        app = ctx.app()
        at_import = len(directory.clients)
        for _ in range(2):
            async with ctx.client(app) as client:
                # A client built at import and closed by the first shutdown fails here.
                await create_tasks(client, 2)
    expect(
        at_import == 0,
        expected="no httpx.AsyncClient created while app.main is imported",
        got=f"{clients_described(at_import)} created at import, before any lifespan ran",
        note="A module-level client is shared by every app in the process, and the first "
        "one to stop closes it for all. Create it in the lifespan.",
    )
    expect(
        len(directory.clients) == 2 and len(database.engines) == 2,
        expected="the app started twice: two clients and two engines, one of each per start",
        got=f"{clients_described(len(directory.clients))} and {len(database.engines)} engine(s)",
        note="Build the engine and the client in the lifespan, not at module level or "
        "behind a cache: each start then owns, and closes, its own.",
    )


@check("04.2")
async def a_failed_start_leaves_nothing_open(ctx: Check) -> None:
    """When start-up fails half-way (the schema cannot be created), nothing is left open."""
    failing = {"armed": True}

    def fail_start_up(*_: object) -> None:
        if failing["armed"]:
            raise RuntimeError("injected failure: the database refused the schema")

    async with observed() as (directory, database):
        app = ctx.app()
        event.listen(Engine, "before_cursor_execute", fail_start_up)
        try:
            with contextlib.suppress(StartupFailed):
                async with ctx.client(app) as client:
                    # Start-up ran no SQL, so nothing failed: there is no failure path to see.
                    failing["armed"] = False
                    await create_tasks(client, 1)
        finally:
            event.remove(Engine, "before_cursor_execute", fail_start_up)
        left_open = len(database.still_open)
        opened = len(database.opened)
        open_clients = directory.open_clients
    ctx.app_errors.clear()
    expect(
        left_open == 0 and open_clients == 0,
        expected="after a start-up that failed half-way, every connection closed and every "
        "httpx.AsyncClient closed (engine.dispose() in a `finally:`, the client in `async with`)",
        got=f"{left_open} of {opened} database connections and "
        f"{open_clients} of {len(directory.clients)} httpx clients still open",
    )


@check("04.2")
async def the_client_and_the_engine_are_closed_on_shutdown(ctx: Check) -> None:
    """After shutdown every HTTP client the app made is closed and every connection released."""
    async with observed() as (directory, database):
        async with ctx.client() as client:
            await create_tasks(client, 2)
        left_open = len(database.still_open)
        opened = len(database.opened)
    expect(
        bool(directory.clients) and directory.open_clients == 0,
        expected="every httpx.AsyncClient the app created to be closed when the app stops",
        got=(
            f"{directory.open_clients} of {clients_described(len(directory.clients))} "
            "still open after shutdown"
        ),
        note="Open the client with `async with` in the lifespan, around its `yield`.",
    )
    expect(
        opened > 0 and left_open == 0,
        expected="every database connection closed when the app stops (engine.dispose())",
        got=f"{left_open} of {opened} connections still open after shutdown",
    )


@check("04.3")
async def no_deprecation_warning_is_raised(ctx: Check) -> None:
    """Importing, starting, using and stopping the app raises no DeprecationWarning."""
    async with observed(), ctx.client() as client:
        await create_tasks(client, 1)
    caught = [item for item in ctx.warnings if issubclass(item.category, DeprecationWarning)]
    # Where learner code triggered a warning, show that place rather than the library's.
    in_learner_code = [item for item in caught if Path(item.filename).is_relative_to(ctx.root)]
    deprecated = sorted(
        {
            f"{first_line(item.message)} ({where(ctx, item.filename)}:{item.lineno})"
            for item in in_learner_code or caught
        }
    )
    expect(
        not deprecated,
        expected="no DeprecationWarning while the app imports, starts, serves and stops",
        got="DeprecationWarning: " + "; ".join(deprecated),
        note="`@app.on_event` is deprecated: move start-up and shutdown into one lifespan.",
    )
