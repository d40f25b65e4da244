"""Checks for lesson 03: dependency injection.

Three checks install overrides on the app they load, as a test suite would: they look up the
providers `get_task_service` and `get_task_repository` in `app/tasks/dependencies.py` (the
shape the lesson asks for) and wrap them, so the original provider still runs while the check
sees, or replaces, the object each route is handed.
"""

import contextlib
import functools
import importlib.util
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_dependant

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

TASK = {"project_id": 1, "title": "Write the release notes"}
MISSING_ID = 999_999
DEPENDENCIES_MODULE = "app.tasks.dependencies"
DEPENDENCIES = "app/tasks/dependencies.py"
ROLES = {
    "get_task_service": "the provider every tasks route gets its service from",
    "get_task_repository": "the provider the service gets its repository from",
}


class Spy:
    """Stands in for the object a dependency returned, and records which attributes were used."""

    def __init__(self, wrapped: object) -> None:
        self.wrapped = wrapped
        self.used: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.used.append(name)
        return getattr(self.wrapped, name)


class Exploding:
    """A repository whose every use fails, as a broken database would."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"injected failure: the repository's `{name}` broke")


def replacing(original: Callable[..., Any], make: Callable[[object], object]) -> Callable[..., Any]:
    """An override taking the original provider's parameters and returning `make(its result)`.

    The original still runs (so the dependencies it asks for, such as the connection, are
    opened and closed as usual); only what it hands on is replaced.
    """
    if inspect.isasyncgenfunction(original):
        opened = contextlib.asynccontextmanager(original)

        @functools.wraps(original)
        async def async_generator(*args: Any, **kwargs: Any) -> AsyncIterator[object]:
            async with opened(*args, **kwargs) as value:
                yield make(value)

        return async_generator
    if inspect.isgeneratorfunction(original):
        entered = contextlib.contextmanager(original)

        @functools.wraps(original)
        def generator(*args: Any, **kwargs: Any) -> Iterator[object]:
            with entered(*args, **kwargs) as value:
                yield make(value)

        return generator
    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def coroutine(*args: Any, **kwargs: Any) -> object:
            return make(await original(*args, **kwargs))

        return coroutine

    @functools.wraps(original)
    def function(*args: Any, **kwargs: Any) -> object:
        return make(original(*args, **kwargs))

    return function


def provider(ctx: Check, name: str, *, required_by: str = "") -> Callable[..., Any]:
    """The dependency `name` from app/tasks/dependencies.py.

    Missing, it fails the check (when the check is of the rule that asks for it), or blocks
    the check on `required_by`, the rule that asks for it.
    """
    if required_by:
        function = ctx.attribute(DEPENDENCIES_MODULE, name, required_by=required_by)
    else:
        expect(
            (ctx.root / DEPENDENCIES).is_file(),
            expected=f"{DEPENDENCIES} defining `{name}`, {ROLES.get(name, 'a provider')} "
            "(tests override it by that name)",
            got=f"no {DEPENDENCIES}: the handlers build what they need themselves",
        )
        function = getattr(ctx.module(DEPENDENCIES_MODULE), name, None)
    expect(
        callable(function),
        expected=f"{DEPENDENCIES} to define the dependency `{name}`",
        got=f"no `{name}` in {DEPENDENCIES}",
    )
    return function  # type: ignore[no-any-return]


def spy_on(ctx: Check, name: str, *, required_by: str = "") -> tuple[Any, list[Spy]]:
    """The app, with the provider `name` overridden by one that spies on what it returns."""
    original = provider(ctx, name, required_by=required_by)
    spies: list[Spy] = []

    def make(value: object) -> Spy:
        spies.append(Spy(value))
        return spies[-1]

    app: Any = ctx.app()
    app.dependency_overrides[original] = replacing(original, make)
    return app, spies


async def open_connections(client: httpx.AsyncClient) -> tuple[int, httpx.Response]:
    """How many connections GET /health reports open, with the response that said so."""
    response = await client.get("/health")
    expect_status(response, 200, because="GET /health reports the open connections")
    count = json_body(response).get("open_connections")
    expect(
        isinstance(count, int),
        expected="GET /health to answer an integer `open_connections`",
        got=response,
        response=response,
    )
    return int(count), response


async def create_task(client: httpx.AsyncClient) -> int:
    response = await client.post("/tasks", json=TASK)
    expect_status(response, 201, because="a valid task is created")
    task_id = json_body(response).get("id")
    expect(isinstance(task_id, int), expected="the new task's `id`", got=response)
    return int(task_id)


@check("03.1", baseline=True)
async def a_task_is_created_and_read_back(ctx: Check) -> None:
    """A valid task is created (201) and reads back, alone and in the list."""
    async with ctx.client() as client:
        task_id = await create_task(client)
        read = await client.get(f"/tasks/{task_id}")
        listing = await client.get("/tasks")
    expect_status(read, 200, because="the task just created can be read")
    expect(
        json_body(read).get("title") == TASK["title"],
        expected=f"the title sent: {TASK['title']!r}",
        got=json_body(read),
        response=read,
    )
    expect(
        [task.get("id") for task in json_body(listing)] == [task_id],
        expected=f"a list holding the one task created (id {task_id})",
        got=json_body(listing),
        response=listing,
    )


@check("03.1")
async def every_route_is_handed_its_service(ctx: Check) -> None:
    """Every tasks route uses the service from `get_task_service`, so one override reaches all."""
    app, spies = spy_on(ctx, "get_task_service")
    bypassed: list[str] = []
    async with ctx.client(app) as client:

        async def send(method: str, path: str, **request: Any) -> httpx.Response:
            before = len(spies)
            response = await client.request(method, path, **request)
            expect_status(response, 200, 201, because="the override hands on the real service")
            if not any(spy.used for spy in spies[before:]):
                bypassed.append(f"{method} {path}")
            return response

        created = await send("POST", "/tasks", json=TASK)
        await send("GET", "/tasks")
        await send("GET", f"/tasks/{json_body(created).get('id')}")
    expect(
        not bypassed,
        expected="each route to work with the service `get_task_service` gave it "
        "(declare it as a parameter: `service: TaskServiceDep`)",
        got=f"these routes used another service, or none from the override: {bypassed}",
    )


@check("03.2")
async def an_override_replaces_the_repository(ctx: Check) -> None:
    """A repository installed through `app.dependency_overrides` is the one the service uses."""
    provider(ctx, "get_task_service", required_by="03.1")
    app, spies = spy_on(ctx, "get_task_repository")
    async with ctx.client(app) as client:
        task_id = await create_task(client)
        read = await client.get(f"/tasks/{task_id}")
    expect_status(read, 200, because="the override hands on the real repository")
    expect(
        bool(spies),
        expected="the routes' service to be built from `get_task_repository`, so the override "
        "of that dependency is called",
        got="the override was never called: the service gets its repository some other way",
        response=read,
    )
    expect(
        any(spy.used for spy in spies),
        expected="the service to read and write through the repository the override returned",
        got="the override was called, but nothing used the repository it returned",
        response=read,
    )


@check("03.2")
async def the_repository_is_handed_its_connection(ctx: Check) -> None:
    """`get_task_repository` gets the request's connection from a `yield` provider below it."""
    provider(ctx, "get_task_service", required_by="03.1")
    repository_provider = provider(ctx, "get_task_repository")
    chain = _yield_providers(get_dependant(path="/", call=repository_provider))
    expect(
        bool(chain),
        expected="`get_task_repository` to take the connection as a parameter, from the "
        "`yield` provider that opens and closes it (connection: ConnectionDep)",
        got="no `yield` provider below `get_task_repository`: it opens its connection "
        "itself, so nothing closes it and an override of the connection never reaches it",
    )


def _yield_providers(dependant: Dependant) -> list[str]:
    """Names of the `yield` providers anywhere below a dependant."""
    found: list[str] = []
    for dependency in dependant.dependencies:
        call = dependency.call
        if inspect.isgeneratorfunction(call) or inspect.isasyncgenfunction(call):
            found.append(getattr(call, "__name__", repr(call)))
        found += _yield_providers(dependency)
    return found


@check("03.3", baseline=True)
async def a_request_that_succeeds_closes_its_connection(ctx: Check) -> None:
    """After requests that succeed, GET /health reports no open connection."""
    async with ctx.client() as client:
        task_id = await create_task(client)
        await client.get(f"/tasks/{task_id}")
        await client.get("/tasks")
        count, health = await open_connections(client)
    expect(
        count == 0, expected="0 open connections after three requests", got=count, response=health
    )


@check("03.3")
async def a_request_that_fails_still_closes_its_connection(ctx: Check) -> None:
    """After requests for missing tasks (404, raised in the handler), no connection stays open."""
    async with ctx.client() as client:
        missing = [await client.get(f"/tasks/{MISSING_ID + offset}") for offset in range(3)]
        count, health = await open_connections(client)
    for response in missing:
        expect_status(response, 404, because="the task does not exist")
    expect(
        count == 0,
        expected="0 open connections after 3 requests that ended in 404: the cleanup of a "
        "`yield` dependency (in a `finally:`) runs even when the handler raises",
        got=f"{count} connections left open",
        response=health,
    )


@check("03.3")
async def an_unexpected_error_still_closes_the_connection(ctx: Check) -> None:
    """When the repository blows up mid-request (a 500), the connection is closed anyway."""
    provider(ctx, "get_task_service", required_by="03.1")
    original = provider(ctx, "get_task_repository", required_by="03.2")
    app: Any = ctx.app()
    app.dependency_overrides[original] = replacing(original, lambda _: Exploding())
    async with ctx.client(app) as client:
        crashed = await client.get("/tasks")
        count, health = await open_connections(client)
    if crashed.status_code < 500:
        raise Blocked(
            "03.2",
            "the check replaced `get_task_repository` with a repository that fails, but "
            f"GET /tasks answered {crashed.status_code}: the routes' service does not get its "
            "repository from `get_task_repository`",
        )
    expect(
        count == 0,
        expected="0 open connections after a request that crashed: wrap the `yield` of the "
        "connection dependency in `try:` / `finally:`",
        got=f"{count} connection left open",
        response=health,
    )


@check("03.3", baseline=True)
async def bad_input_is_refused_and_leaves_nothing_behind(ctx: Check) -> None:
    """Malformed JSON, wrong types, a title too long or missing get a 4xx; nothing stays behind."""
    bad_bodies: dict[str, dict[str, Any]] = {
        "malformed JSON": {"content": b'{"title": "Wri', "headers": _JSON},
        "a project id that is text": {"json": {**TASK, "project_id": "one"}},
        "a title of 500 characters": {"json": {**TASK, "title": "A" * 500}},
        "no title at all": {"json": {"project_id": 1}},
    }
    async with ctx.client() as client:
        for what, request in bad_bodies.items():
            response = await client.post("/tasks", **request)
            expect_status(response, 400, 422, because=f"{what} is the client's mistake")
        listing = await client.get("/tasks")
        count, health = await open_connections(client)
    expect(json_body(listing) == [], expected="no task stored", got=json_body(listing))
    expect(
        count == 0, expected="0 open connections after refused requests", got=count, response=health
    )


@check("03.4")
async def two_apps_share_no_state(ctx: Check) -> None:
    """Two apps built by `create_app()` in one process do not see each other's tasks."""
    factory = getattr(ctx.module("app.main"), "create_app", None)
    expect(
        callable(factory),
        expected="`create_app()` in app/main.py, building a new app each time it is called",
        got="no create_app in app/main.py",
    )
    first, second = factory(), factory()  # type: ignore[misc]
    async with ctx.client(first) as one, ctx.client(second) as other:
        task_id = await create_task(one)
        seen_by_other = await other.get(f"/tasks/{task_id}")
        listed_by_other = await other.get("/tasks")
        seen_by_one = await one.get(f"/tasks/{task_id}")
    expect_status(seen_by_one, 200, because="the app that stored the task can read it")
    expect_status(
        seen_by_other,
        404,
        because="the task was written to the other app: state built at import is shared by "
        "every app in the process, state built in create_app() or the lifespan is not",
    )
    expect(
        json_body(listed_by_other) == [],
        expected="an empty list from the second app",
        got=json_body(listed_by_other),
        response=listed_by_other,
    )


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


_JSON = {"content-type": "application/json"}
