"""Checks for lesson 06: router -> service -> repository.

The service is graded twice: without HTTP (imported with FastAPI and Starlette made
unimportable, run against the check's own in-memory repository) and behind the HTTP edge
(the service dependency overridden with one over that repository).
"""

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import inspect
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from workbook.harness import Check, RuleViolation, check, expect, expect_status, json_body
from workbook.loader import forget_app_modules, learner_location

FEATURE = "app.tasks"
LAYERS = ("router", "schemas", "service", "repository", "dependencies", "exceptions")
WEB_FRAMEWORKS = ("fastapi", "starlette")
LIMIT = 3  # open tasks per assignee, as the lesson states


# --- the check's own repository ---------------------------------------------------------


class MemoryTasks:
    """The TaskRepository protocol of the lesson, kept in a dict: no SQL, no HTTP."""

    def __init__(self, read_model: Callable[..., object]) -> None:
        self.read_model = read_model
        self.rows: dict[int, dict[str, object]] = {}

    def seed(self, title: str, assignee: str, *, is_done: bool = False) -> int:
        task_id = len(self.rows) + 1
        self.rows[task_id] = {
            "id": task_id,
            "title": title,
            "assignee": assignee,
            "is_done": is_done,
        }
        return task_id

    def read(self, task_id: int) -> object:
        return self.read_model(**self.rows[task_id])

    async def add(self, data: Any) -> object:
        return self.read(self.seed(data.title, data.assignee))

    async def get(self, task_id: int) -> object | None:
        return self.read(task_id) if task_id in self.rows else None

    async def list_all(self) -> list[object]:
        return [self.read(task_id) for task_id in sorted(self.rows)]

    async def count_open(self, assignee: str) -> int:
        return sum(
            1 for row in self.rows.values() if row["assignee"] == assignee and not row["is_done"]
        )

    async def mark_done(self, task_id: int) -> object:
        self.rows[task_id]["is_done"] = True
        return self.read(task_id)

    def titles(self) -> list[object]:
        return [row["title"] for row in self.rows.values()]


# --- importing the service with FastAPI out of reach ------------------------------------


def _is_web(name: str) -> bool:
    return name.split(".", 1)[0] in WEB_FRAMEWORKS


class WebImportBlocker(importlib.abc.MetaPathFinder):
    """A finder that makes every FastAPI or Starlette import fail."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if _is_web(fullname):
            raise ModuleNotFoundError(f"{fullname} is blocked by the check", name=fullname)
        return None


@contextlib.contextmanager
def fastapi_out_of_reach() -> Iterator[None]:
    """While inside: FastAPI and Starlette cannot be imported, and `app` imports afresh."""
    saved = {name: module for name, module in sys.modules.items() if _is_web(name)}
    for name in saved:
        del sys.modules[name]
    forget_app_modules()
    blocker = WebImportBlocker()
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)
        for name in [name for name in sys.modules if _is_web(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
        forget_app_modules()


def expect_module_file(ctx: Check, name: str) -> None:
    relative = Path(*name.split("."))
    exists = (ctx.root / relative.with_suffix(".py")).is_file() or (
        ctx.root / relative / "__init__.py"
    ).is_file()
    expect(
        exists,
        expected=f"a module `{name}` ({relative.with_suffix('.py')})",
        got="no such file",
        note="each layer lives in its own module of the feature package app/tasks/",
    )


def expect_no_web_import(ctx: Check, error: BaseException, doing: str) -> None:
    if isinstance(error, ModuleNotFoundError) and _is_web(error.name or ""):
        expect(
            False,
            expected=f"{doing} without FastAPI or Starlette",
            got=f"it imports `{error.name}`{learner_location(ctx.root, error.__traceback__)}",
            note="the service knows nothing of HTTP: raise domain errors from "
            "app/tasks/exceptions.py and let the edge translate them",
        )


def import_without_web(ctx: Check, name: str) -> ModuleType:
    expect_module_file(ctx, name)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        expect_no_web_import(ctx, error, f"`{name}` to import")
        raise


def new_service(ctx: Check, service_module: ModuleType, repository: MemoryTasks) -> Any:
    service_class = getattr(service_module, "TaskService", None)
    expect(
        callable(service_class),
        expected="a class `TaskService` in app/tasks/service.py",
        got=f"names defined there: {sorted(n for n in vars(service_module) if n[0] != '_')}",
    )
    assert service_class is not None
    return service_class(repository)


async def call(service: Any, method: str, *args: object) -> object:
    """Run `service.method(*args)`, awaiting it if it is async."""
    function = getattr(service, method, None)
    expect(
        callable(function),
        expected=f"a method `TaskService.{method}`",
        got=f"methods: {sorted(n for n in dir(service) if not n.startswith('_'))}",
    )
    assert function is not None
    result = function(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


async def succeeds(ctx: Check, action: Awaitable[object], what: str) -> object:
    try:
        return await action
    except RuleViolation:
        raise  # the check's own verdict (a missing method), not the service's error
    except Exception as error:
        expect_no_web_import(ctx, error, what)
        expect(
            False,
            expected=f"{what} to succeed",
            got=f"{type(error).__name__}: {error}{learner_location(ctx.root, error.__traceback__)}",
        )
        raise


async def refused(ctx: Check, action: Awaitable[object], what: str) -> BaseException:
    """The exception `action` raised; fails the check if it raised none."""
    try:
        result = await action
    except RuleViolation:
        raise  # the check's own verdict (a missing method), not the service's error
    except Exception as error:  # noqa: BLE001 - the check judges whatever the service raised
        expect_no_web_import(ctx, error, what)
        return error
    expect(False, expected=f"{what} to raise a domain error", got=f"it returned {result!r}")
    raise AssertionError  # unreachable: expect(False) raises


class WithoutHttp:
    """The learner's service and schemas, imported with FastAPI out of reach."""

    def __init__(self, ctx: Check) -> None:
        self.ctx = ctx
        self.service_module = import_without_web(ctx, f"{FEATURE}.service")
        self.schemas = import_without_web(ctx, f"{FEATURE}.schemas")
        self.repository = MemoryTasks(self.schemas.TaskRead)
        self.service = new_service(ctx, self.service_module, self.repository)

    def new_task(self, title: str, assignee: str) -> object:
        return self.schemas.TaskCreate(title=title, assignee=assignee)

    async def create(self, title: str, assignee: str) -> object:
        return await call(self.service, "create", self.new_task(title, assignee))


def defined_in_exceptions_module(error: BaseException) -> bool:
    return type(error).__module__ == f"{FEATURE}.exceptions"


def describe_error(ctx: Check, error: BaseException) -> str:
    where = learner_location(ctx.root, error.__traceback__)
    return f"{type(error).__module__}.{type(error).__qualname__}: {error}{where}"


# --- HTTP helpers -----------------------------------------------------------------------


async def create_over_http(client: httpx.AsyncClient, title: str, assignee: str) -> httpx.Response:
    return await client.post("/tasks", json={"title": title, "assignee": assignee})


def layer_modules(ctx: Check) -> tuple[ModuleType, ModuleType, ModuleType]:
    for name in ("service", "schemas", "dependencies"):
        expect_module_file(ctx, f"{FEATURE}.{name}")
    return (
        ctx.module(f"{FEATURE}.service"),
        ctx.module(f"{FEATURE}.schemas"),
        ctx.module(f"{FEATURE}.dependencies"),
    )


def app_over_memory(
    ctx: Check, repository_seed: Callable[[MemoryTasks], None]
) -> tuple[Any, MemoryTasks]:
    """The learner's app with `get_task_service` overridden by a service over MemoryTasks."""
    app: Any = ctx.app()
    service_module, schemas, dependencies = layer_modules(ctx)
    get_task_service = getattr(dependencies, "get_task_service", None)
    expect(
        callable(get_task_service),
        expected="a dependency `get_task_service` in app/tasks/dependencies.py",
        got=f"names defined there: {sorted(n for n in vars(dependencies) if n[0] != '_')}",
    )
    repository = MemoryTasks(schemas.TaskRead)
    repository_seed(repository)
    service = new_service(ctx, service_module, repository)

    def override() -> object:
        return service

    app.dependency_overrides[get_task_service] = override
    return app, repository


# --- 06.1 -------------------------------------------------------------------------------


@check("06.1")
async def each_layer_has_its_own_module(ctx: Check) -> None:
    """app/tasks/ has router, schemas, service, repository, dependencies and exceptions modules."""
    folder = ctx.root / "app" / "tasks"
    missing = [f"app/tasks/{name}.py" for name in LAYERS if not (folder / f"{name}.py").is_file()]
    expect(
        not missing,
        expected="one module per layer: " + ", ".join(f"{layer}.py" for layer in LAYERS),
        got=f"missing: {', '.join(missing)}",
    )
    modules = {name: ctx.module(f"{FEATURE}.{name}") for name in LAYERS}
    misplaced = [
        f"{what} (expected in app/tasks/{layer}.py)"
        for layer, what, holds in (
            ("router", "an APIRouter", any(map(_is_router, vars(modules["router"]).values()))),
            ("schemas", "the Pydantic models", _defines(modules["schemas"], _is_model)),
            ("service", "TaskService", _defines(modules["service"], _named("TaskService"))),
            (
                "dependencies",
                "get_task_service",
                _has_own(modules["dependencies"], "get_task_service"),
            ),
            ("exceptions", "the domain errors", _defines(modules["exceptions"], _is_error)),
        )
        if not holds
    ]
    expect(
        not misplaced,
        expected="each layer's code in its own module",
        got="not found where it belongs: " + "; ".join(misplaced),
    )
    repository = modules["repository"]
    protocols = [
        name
        for name, value in vars(repository).items()
        if isinstance(value, type)
        and value.__module__ == repository.__name__
        and any(base.__name__ == "Protocol" for base in value.__mro__[1:])
    ]
    expect(
        bool(protocols),
        expected="app/tasks/repository.py to define the repository protocol (a typing.Protocol)",
        got="no Protocol class defined there",
    )


def _own_values(module: ModuleType) -> list[object]:
    """What a module defines itself (not what it imports)."""
    return [
        value
        for value in vars(module).values()
        if getattr(value, "__module__", module.__name__) == module.__name__
    ]


def _defines(module: ModuleType, test: Callable[[object], bool]) -> bool:
    return any(test(value) for value in _own_values(module))


def _is_router(value: object) -> bool:
    return type(value).__name__ == "APIRouter"


def _is_model(value: object) -> bool:
    return isinstance(value, type) and any(b.__name__ == "BaseModel" for b in value.__mro__[1:])


def _is_error(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, Exception)


def _named(name: str) -> Callable[[object], bool]:
    return lambda value: isinstance(value, type) and value.__name__ == name


def _has_own(module: ModuleType, name: str = "get_task_service") -> bool:
    value = getattr(module, name, None)
    return callable(value) and getattr(value, "__module__", "") == module.__name__


# --- 06.2 -------------------------------------------------------------------------------


@check("06.2")
async def the_service_imports_without_fastapi(ctx: Check) -> None:
    """app/tasks/service.py imports and builds a TaskService while FastAPI cannot be imported."""
    with fastapi_out_of_reach():
        WithoutHttp(ctx)


@check("06.2")
async def the_work_in_progress_limit_holds_without_http(ctx: Check) -> None:
    """Without HTTP, a 4th open task for one assignee is refused and not stored."""
    with fastapi_out_of_reach():
        layer = WithoutHttp(ctx)
        for number in range(1, LIMIT + 1):
            await succeeds(ctx, layer.create(f"Task {number}", "ada"), f"creating task {number}")
        await refused(ctx, layer.create("One too many", "ada"), "a 4th open task for ada")
        stored = layer.repository.titles()
        expect(
            "One too many" not in stored,
            expected="the refused task not to reach the repository",
            got=f"titles stored: {stored}",
        )
        await succeeds(ctx, layer.create("Grace's task", "grace"), "a task for another assignee")
        await succeeds(ctx, call(layer.service, "complete", 1), "completing task 1")
        await succeeds(
            ctx, layer.create("Now there is room", "ada"), "a new task for ada after one is done"
        )


@check("06.2")
async def completing_a_task_twice_is_refused_without_http(ctx: Check) -> None:
    """Without HTTP, completing a task marks it done, and completing it again is refused."""
    with fastapi_out_of_reach():
        layer = WithoutHttp(ctx)
        await succeeds(ctx, layer.create("Write the report", "ada"), "creating a task")
        done = await succeeds(ctx, call(layer.service, "complete", 1), "completing it")
        expect(
            getattr(done, "is_done", None) is True and layer.repository.rows[1]["is_done"] is True,
            expected="complete() to return the task with is_done true, saved in the repository",
            got=f"returned {done!r}; stored {layer.repository.rows[1]}",
        )
        await refused(ctx, call(layer.service, "complete", 1), "completing it again")
        await refused(ctx, call(layer.service, "get", 99), "reading a missing task")


# --- 06.3 -------------------------------------------------------------------------------


@check("06.3", baseline=True)
async def tasks_are_created_listed_read_and_completed(ctx: Check) -> None:
    """Over HTTP: create (201), list, read and complete a task."""
    async with ctx.client() as client:
        created = await create_over_http(client, "Write the report", "ada")
        expect_status(created, 201, because="a valid task is created")
        task_id = json_body(created).get("id")
        listed = await client.get("/tasks")
        read = await client.get(f"/tasks/{task_id}")
        completed = await client.post(f"/tasks/{task_id}/complete")
    expect_status(listed, 200)
    expect(
        [task.get("title") for task in json_body(listed)] == ["Write the report"],
        expected="the list to hold the one task created",
        got=listed.text,
        response=listed,
    )
    expect_status(read, 200)
    expect_status(completed, 200)
    expect(
        json_body(completed).get("is_done") is True,
        expected="the completed task with is_done true",
        got=completed.text,
        response=completed,
    )


@check("06.3", baseline=True)
async def bad_input_is_refused_and_stores_nothing(ctx: Check) -> None:
    """Malformed JSON, wrong types, oversized and missing fields get 422, and nothing is stored."""
    bad_bodies: list[tuple[str, dict[str, Any]]] = [
        ("a title sent as a number", {"title": 42, "assignee": "ada"}),
        ("a 500-character title", {"title": "x" * 500, "assignee": "ada"}),
        ("no assignee", {"title": "Write the report"}),
        ("an unknown field", {"title": "Write", "assignee": "ada", "is_done": True}),
    ]
    async with ctx.client() as client:
        malformed = await client.post(
            "/tasks", content=b'{"title": "Write', headers={"content-type": "application/json"}
        )
        expect_status(malformed, 422, because="the body is not valid JSON")
        for what, body in bad_bodies:
            response = await client.post("/tasks", json=body)
            expect_status(response, 422, because=what)
        huge_id = await client.get("/tasks/99999999999999999999")
        expect_status(huge_id, 404, 422, because="no task has an id that large")
        listed = await client.get("/tasks")
    expect(
        json_body(listed) == [],
        expected="no task stored after refused requests",
        got=listed.text,
        response=listed,
    )


@check("06.3")
async def the_handlers_delegate_to_the_service(ctx: Check) -> None:
    """With `get_task_service` overridden, every route answers from that service and runs no SQL."""

    def seed(repository: MemoryTasks) -> None:
        repository.seed("Seeded by the check", "check")

    app, repository = app_over_memory(ctx, seed)
    async with ctx.client(app) as client:
        with ctx.sql_statements() as statements:
            read = await client.get("/tasks/1")
            listed = await client.get("/tasks")
            created = await create_over_http(client, "Sent by the check", "check")
            completed = await client.post("/tasks/1/complete")
    expect_status(created, 201, because="the overriding service accepts the new task")
    for response in (read, listed, completed):
        expect(
            response.status_code == 200 and "Seeded by the check" in response.text,
            expected="200 from the overriding service, which holds task 1 'Seeded by the check'",
            got=response,
            response=response,
            note="the handler must call the service it is given, not query the database itself",
        )
    expect(
        repository.titles() == ["Seeded by the check", "Sent by the check"]
        and repository.rows[1]["is_done"] is True,
        expected="the create and complete requests to reach the overriding service",
        got=f"repository now holds {list(repository.rows.values())}",
        response=completed,
    )
    expect(
        not statements,
        expected="no SQL statement while the service is overridden",
        got=f"{len(statements)} statements, first: {statements[0] if statements else ''}",
        note="a handler that still runs SQL bypasses the service",
    )


# --- 06.4 -------------------------------------------------------------------------------


@check("06.4", baseline=True)
async def rule_breaches_get_4xx_over_http(ctx: Check) -> None:
    """Over HTTP: a missing task is 404; a 4th open task and completing twice are 409."""
    async with ctx.client() as client:
        missing = await client.get("/tasks/99")
        for number in range(LIMIT):
            await create_over_http(client, f"Task {number}", "ada")
        over_limit = await create_over_http(client, "One too many", "ada")
        await client.post("/tasks/1/complete")
        twice = await client.post("/tasks/1/complete")
        listed = await client.get("/tasks")
    expect_status(missing, 404, because="task 99 does not exist")
    expect_status(over_limit, 409, because=f"ada already has {LIMIT} open tasks")
    expect_status(twice, 409, because="task 1 is already done")
    expect(
        len(json_body(listed)) == LIMIT,
        expected=f"{LIMIT} tasks stored: the refused one is not",
        got=listed.text,
        response=listed,
    )


@check("06.4")
async def the_service_raises_domain_errors(ctx: Check) -> None:
    """Without HTTP, each refused operation raises an exception from app/tasks/exceptions.py."""
    with fastapi_out_of_reach():
        layer = WithoutHttp(ctx)
        for number in range(LIMIT):
            await succeeds(ctx, layer.create(f"Task {number}", "ada"), "creating a task")
        over_limit = await refused(ctx, layer.create("One too many", "ada"), "a 4th open task")
        await succeeds(ctx, call(layer.service, "complete", 1), "completing task 1")
        errors = {
            "over the limit": over_limit,
            "a missing task": await refused(ctx, call(layer.service, "get", 99), "get(99)"),
            "completing twice": await refused(
                ctx, call(layer.service, "complete", 1), "completing task 1 again"
            ),
        }
    wrong = {
        what: error for what, error in errors.items() if not defined_in_exceptions_module(error)
    }
    expect(
        not wrong,
        expected="domain exceptions defined in app/tasks/exceptions.py",
        got="; ".join(f"{what}: {describe_error(ctx, error)}" for what, error in wrong.items()),
    )
    expect(
        type(errors["a missing task"]) is not type(errors["completing twice"]),
        expected="a missing task and a finished task to raise different exception classes",
        got=f"both raise {type(errors['a missing task']).__name__}",
        note="the edge maps them to different statuses (404 and 409)",
    )


@check("06.4")
async def domain_errors_become_statuses_at_the_edge(ctx: Check) -> None:
    """With the service overridden, its domain errors still come out as 404 and 409."""

    def seed(repository: MemoryTasks) -> None:
        repository.seed("Already done", "ada", is_done=True)
        for number in range(LIMIT):
            repository.seed(f"Open task {number}", "ada")

    app, repository = app_over_memory(ctx, seed)
    async with ctx.client(app) as client:
        missing = await client.get("/tasks/99")
        twice = await client.post("/tasks/1/complete")
        over_limit = await create_over_http(client, "One too many", "ada")
    expect_status(missing, 404, because="the service raised its not-found error")
    expect_status(twice, 409, because="the service raised its already-done error")
    expect_status(over_limit, 409, because="the service raised its limit error")
    for response in (missing, twice, over_limit):
        body = json_body(response)
        expect(
            isinstance(body, dict) and bool(body),
            expected="a JSON object saying what went wrong",
            got=response.text,
            response=response,
        )
    expect(
        "One too many" not in repository.titles(),
        expected="the refused task not to be stored",
        got=f"titles stored: {repository.titles()}",
    )


@check("06.4")
async def the_domain_errors_are_mapped_on_the_app(ctx: Check) -> None:
    """The service's own errors, raised from a route the checks add, still answer 404 and 409."""
    service_module = ctx.module(f"{FEATURE}.service", required_by="06.1")
    schemas = ctx.module(f"{FEATURE}.schemas", required_by="06.1")
    repository = MemoryTasks(schemas.TaskRead)
    repository.seed("Already done", "ada", is_done=True)
    for number in range(LIMIT):
        repository.seed(f"Open task {number}", "ada")
    service = new_service(ctx, service_module, repository)
    new_task = schemas.TaskCreate(title="One too many", assignee="ada")
    raised = {
        "a missing task": (404, await refused(ctx, call(service, "get", 99), "get(99)")),
        "completing a done task": (
            409,
            await refused(ctx, call(service, "complete", 1), "completing task 1 again"),
        ),
        "a 4th open task": (409, await refused(ctx, call(service, "create", new_task), "create")),
    }
    app: Any = ctx.app()
    for number, (_, error) in enumerate(raised.values()):
        app.add_api_route(f"/__workbook_probe__/{number}", _raiser(error), methods=["GET"])
    async with ctx.client(app) as client:
        for number, (what, (wanted, error)) in enumerate(raised.items()):
            response = await client.get(f"/__workbook_probe__/{number}")
            expect_status(
                response,
                wanted,
                because=f"the checks added a route that raises the service's error for {what} "
                f"({type(error).__name__}); only an exception handler registered on the app "
                "(app.add_exception_handler(TaskError, ...)) maps it, a try/except in each "
                "route does not",
            )
    ctx.app_errors.clear()


def _raiser(error: BaseException) -> Callable[[], None]:
    def probe() -> None:
        raise error

    return probe
