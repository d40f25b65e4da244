"""Checks for lesson 11: SQLAlchemy 2.x async, a session per request, an engine per app life.

Sessions and pooled connections are observed through SQLAlchemy's public event API, on the
classes (so any engine or session the app builds is seen, however it is wired).
"""

import asyncio
import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, get_origin

import httpx
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase, DeclarativeBaseNoMeta, Mapped, Session, class_mapper
from sqlalchemy.pool import Pool

from workbook.harness import Blocked, Check, StartupFailed, check, expect, expect_status, json_body

CONCURRENT_REQUESTS = 12
JSON_HEADERS = {"content-type": "application/json"}


@dataclass
class PoolLedger:
    """Connections opened, checked out, checked in and closed while it listens."""

    opened: int = 0
    closed: int = 0
    checked_out: int = 0
    checked_in: int = 0

    @property
    def still_out(self) -> int:
        return self.checked_out - self.checked_in

    @property
    def still_open(self) -> int:
        return self.opened - self.closed


@dataclass
class SessionLedger:
    """Which request (asyncio task) used which session."""

    tasks_by_session: dict[int, set[int]] = field(default_factory=dict)

    def note(self, session: Session) -> None:
        task = asyncio.current_task()
        self.tasks_by_session.setdefault(id(session), set()).add(id(task))

    @property
    def shared(self) -> int:
        return sum(1 for tasks in self.tasks_by_session.values() if len(tasks) > 1)


@contextlib.contextmanager
def listening(target: Any, events: dict[str, Any]) -> Iterator[None]:
    for name, listener in events.items():
        event.listen(target, name, listener)
    try:
        yield
    finally:
        for name, listener in events.items():
            event.remove(target, name, listener)


def pool_ledger() -> tuple[PoolLedger, contextlib.AbstractContextManager[None]]:
    ledger = PoolLedger()

    def count(attribute: str) -> Any:
        def listener(*args: object) -> None:
            setattr(ledger, attribute, getattr(ledger, attribute) + 1)

        return listener

    events = {
        "connect": count("opened"),
        "close": count("closed"),
        "close_detached": count("closed"),
        "checkout": count("checked_out"),
        "checkin": count("checked_in"),
    }
    return ledger, listening(Pool, events)


EXPIRED_NOTE = (
    "an object read after commit needs a lazy reload (MissingGreenlet), which an async "
    "session cannot do: make the sessionmaker with expire_on_commit=False"
)


def reloads_after_commit(ctx: Check) -> bool:
    return any("MissingGreenlet" in str(error.error) for error in ctx.app_errors)


async def new_project(ctx: Check, client: httpx.AsyncClient, *, of_rule: str = "") -> int:
    """Create a project; a reload after commit blocks other rules' checks on rule 11.2."""
    response = await client.post("/projects", json={"name": "Apollo"})
    if response.status_code == 500 and reloads_after_commit(ctx):
        if of_rule != "11.2":
            raise Blocked("11.2", EXPIRED_NOTE)
        expect(
            False,
            expected="status 201 (a valid project is created)",
            got=f"500: {EXPIRED_NOTE}",
            response=response,
        )
    expect_status(response, 201, because="a valid project is created")
    project_id: int = json_body(response)["id"]
    return project_id


@check("11.1", baseline=True)
async def projects_and_tasks_round_trip(ctx: Check) -> None:
    """Tasks added to a project list back in order, stored in the configured database."""
    async with ctx.client() as client:
        project_id = await new_project(ctx, client)
        for title in ("design", "build", "ship"):
            created = await client.post(f"/projects/{project_id}/tasks", json={"title": title})
            expect_status(created, 201, because="a valid task is created")
        listed = await client.get(f"/projects/{project_id}/tasks")
        missing = await client.get("/projects/999999/tasks")
    expect_status(listed, 200)
    titles = [task.get("title") for task in json_body(listed)]
    expect(
        titles == ["design", "build", "ship"],
        expected="the three titles in order",
        got=titles,
        response=listed,
    )
    expect_status(missing, 404, because="the project does not exist")
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.connect() as connection:
            stored = (await connection.execute(text("SELECT count(*) FROM task"))).scalar_one()
    finally:
        await engine.dispose()
    expect(
        stored == 3,
        expected=f"3 task rows in the database at {ctx.backend}",
        got=f"{stored} rows",
        response=listed,
    )


@check("11.1", baseline=True)
async def bad_input_gets_a_4xx_and_stores_nothing(ctx: Check) -> None:
    """Malformed JSON, wrong types, oversized or NUL names and huge ids get a 4xx, never a 500."""
    async with ctx.client() as client:
        project_id = await new_project(ctx, client)
        attempts = [
            await client.post("/projects", content=b'{"name": ', headers=JSON_HEADERS),
            await client.post("/projects", json={"name": 42}),
            await client.post("/projects", json={"name": "x" * 500}),
            await client.post("/projects", json={}),
            await client.post("/projects", json={"name": "nul\x00byte"}),
            await client.post(f"/projects/{project_id}/tasks", json={"title": "tab\x00"}),
            await client.get("/projects/99999999999"),
            await client.get("/projects/not-a-number/tasks"),
        ]
        listed = await client.get(f"/projects/{project_id}/tasks")
    for response in attempts:
        expect(
            400 <= response.status_code < 500,
            expected="a 4xx answer to bad input",
            got=f"{response.status_code} {response.text[:200]}",
            response=response,
        )
    expect(
        json_body(listed) == [],
        expected="no task stored by the refused requests",
        got=json_body(listed),
        response=listed,
    )


@check("11.2")
async def concurrent_requests_never_share_a_session(ctx: Check) -> None:
    """Twelve concurrent requests use twelve sessions: no session serves two requests."""
    ledger = SessionLedger()
    events = {
        "do_orm_execute": lambda state: ledger.note(state.session),
        "before_flush": lambda session, *args: ledger.note(session),
    }
    async with ctx.client() as client:
        project_id = await new_project(ctx, client, of_rule="11.2")
        with listening(Session, events):
            responses = await asyncio.gather(
                *(
                    client.post(f"/projects/{project_id}/tasks", json={"title": f"task {n}"})
                    if n % 2
                    else client.get(f"/projects/{project_id}/tasks")
                    for n in range(CONCURRENT_REQUESTS)
                )
            )
    statuses = sorted(response.status_code for response in responses)
    expect(
        all(response.status_code < 400 for response in responses),
        expected="every one of the concurrent requests to succeed",
        got=f"statuses {statuses}",
        response=max(responses, key=lambda response: response.status_code),
        note=EXPIRED_NOTE if reloads_after_commit(ctx) else "",
    )
    expect(
        ledger.shared == 0,
        expected="each request to work in a session of its own",
        got=f"{ledger.shared} session(s) used by more than one request; statuses: "
        f"{sorted(response.status_code for response in responses)}",
        response=responses[-1],
    )


@check("11.2")
async def every_session_returns_its_connection(ctx: Check) -> None:
    """After each request, every pooled connection it used is back in the pool."""
    ledger, listen = pool_ledger()
    with listen:
        async with ctx.client() as client:
            project_id = await new_project(ctx, client, of_rule="11.2")
            await client.post(f"/projects/{project_id}/tasks", json={"title": "write"})
            response = await client.get(f"/projects/{project_id}/tasks")
            outstanding = ledger.still_out
    expect(
        outstanding == 0,
        expected="no connection still checked out once the requests have been answered",
        got=f"{outstanding} connection(s) still held (checked out {ledger.checked_out}, "
        f"returned {ledger.checked_in})",
        response=response,
    )


@check("11.1")
async def the_engine_is_disposed_at_shutdown(ctx: Check) -> None:
    """When the app shuts down, every database connection it opened is closed."""
    ledger, listen = pool_ledger()
    with listen:
        async with ctx.client() as client:
            project_id = await new_project(ctx, client)
            response = await client.get(f"/projects/{project_id}/tasks")
        still_open = ledger.still_open
    expect(
        still_open == 0,
        expected="the lifespan to dispose the engine, closing every connection",
        got=f"{still_open} connection(s) left open after shutdown (opened {ledger.opened})",
        response=response,
    )


@check("11.2")
async def a_failed_request_still_returns_its_connection(ctx: Check) -> None:
    """A request whose handler raises mid-query still closes its session: no connection held."""
    failing = {"armed": False}

    def fail_once(*args: object) -> None:
        if failing["armed"]:
            failing["armed"] = False
            raise RuntimeError("the database failed (simulated by the check)")

    ledger, listen = pool_ledger()
    with listen, listening(Engine, {"before_cursor_execute": fail_once}):
        async with ctx.client() as client:
            project_id = await new_project(ctx, client, of_rule="11.2")
            failing["armed"] = True
            response = await client.get(f"/projects/{project_id}/tasks")
            outstanding = ledger.still_out
    expect(
        not failing["armed"],
        expected="GET /projects/{id}/tasks to query the database",
        got="no statement ran",
        response=response,
    )
    expect(
        outstanding == 0,
        expected="the session closed, and its connection back in the pool, after a request "
        "whose handler raised",
        got=f"{outstanding} connection(s) still held after a {response.status_code} answer",
        response=response,
        note="code after a bare `yield` does not run when the handler raises: "
        "use `async with sessions() as session: yield session` (or try/finally)",
    )


@check("11.1")
async def the_engine_is_built_at_start_up_not_at_import(ctx: Check) -> None:
    """No engine exists after importing app.main; the lifespan builds one, requests build none."""
    created = {"count": 0}
    original = Engine.__init__

    def counting_init(self: Engine, *args: Any, **kwargs: Any) -> None:
        created["count"] += 1
        original(self, *args, **kwargs)

    Engine.__init__ = counting_init  # type: ignore[method-assign]
    try:
        app = ctx.app()
        at_import = created["count"]
        async with ctx.client(app) as client:
            at_start_up = created["count"] - at_import
            project_id = await new_project(ctx, client)
            for title in ("design", "ship"):
                await client.post(f"/projects/{project_id}/tasks", json={"title": title})
            response = await client.get(f"/projects/{project_id}/tasks")
            by_requests = created["count"] - at_import - at_start_up
    finally:
        Engine.__init__ = original  # type: ignore[method-assign]
    expect(
        at_import == 0,
        expected="no engine created while app.main is imported",
        got=f"{at_import} engine(s) created at import",
        note="an engine built at import exists before the app starts and outlives the "
        "lifespan that disposes it: a second app in the same process gets a disposed one",
    )
    expect(
        by_requests == 0,
        expected="requests to use the engine the lifespan built",
        got=f"{by_requests} engine(s) created while answering 4 requests "
        f"({at_start_up} at start-up)",
        response=response,
    )


@check("11.1")
async def a_failed_start_up_still_disposes_the_engine(ctx: Check) -> None:
    """When start-up fails after the engine connected, its connections are closed all the same."""
    # An index named `task` takes the name the task table needs: creating it fails.
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE workbook_blocker (x integer)"))
            await connection.execute(text("CREATE INDEX task ON workbook_blocker (x)"))
    finally:
        await engine.dispose()
    ledger, listen = pool_ledger()
    with listen:
        try:
            async with ctx.client():
                pass
        except StartupFailed:
            pass
        still_open = ledger.still_open
    expect(
        ledger.opened > 0,
        expected="the app to connect to its database at start-up",
        got="no connection opened",
    )
    expect(
        still_open == 0,
        expected="every connection closed after a start-up that failed (the task table could "
        "not be created)",
        got=f"{still_open} connection(s) left open (opened {ledger.opened})",
        note="dispose the engine in the lifespan's `finally:`, so it runs on every way out",
    )


@check("11.3")
async def models_use_typed_declarative_mapping(ctx: Check) -> None:
    """Every mapped class derives from DeclarativeBase and annotates its columns Mapped[...]."""
    ctx.app()
    mapped = [
        value
        for name, module in list(sys.modules.items())
        if name == "app" or name.startswith("app.")
        for value in vars(module).values()
        if isinstance(value, type) and inspect(value, raiseerr=False) is not None
    ]
    expect(bool(mapped), expected="mapped model classes in the app", got="none found")
    problems = sorted({problem for model in mapped for problem in mapping_problems(model)})
    expect(
        not problems,
        expected="2.x typed models: a DeclarativeBase subclass with Mapped[...] annotations",
        got="; ".join(problems),
    )


def mapping_problems(model: type) -> list[str]:
    if not issubclass(model, (DeclarativeBase, DeclarativeBaseNoMeta)):
        return [f"{model.__name__} comes from declarative_base(), not a DeclarativeBase class"]
    annotations: dict[str, Any] = {}
    for klass in reversed(model.__mro__):
        annotations.update(getattr(klass, "__annotations__", {}))
    columns = [column.key for column in class_mapper(model).column_attrs]
    return [
        f"{model.__name__}.{name} is not annotated Mapped[...]"
        for name in columns
        if get_origin(annotations.get(name)) is not Mapped
    ]
