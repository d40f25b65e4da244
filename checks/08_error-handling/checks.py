"""Checks for lesson 08: error handling."""

import logging
import re
from collections.abc import Callable
from typing import Any

import httpx
from starlette.exceptions import HTTPException as StarletteHTTPException

from workbook.harness import Blocked, Check, check, error_fields, expect, expect_status, json_body

MEMBER = 1  # the team is users 1, 2 and 3
OTHER_MEMBER = 2
STRANGER = 99
MISSING_TASK = 999
REQUEST_ID = "check-08-req-5f1e2a"
# Every request carries this id, so that reports show the same id on every run.
SAME_ID = {"X-Request-ID": "check-08-same-id"}
WAREHOUSE_SECRET = "wh-9Tq4-Kx2p-secret"
WAREHOUSE_URL = f"postgresql://reports:{WAREHOUSE_SECRET}@warehouse.internal:5432/reports"
REPORT = "/reports/overdue"
JSON_CONTENT = {"content-type": "application/json"}
# What must never reach a client, and how to say what leaked.
INTERNALS = (
    (WAREHOUSE_SECRET, "the warehouse password"),
    ("warehouse.internal", "the warehouse address"),
    ("SELECT", "the SQL statement"),
    ("no such table", "the database's own error message"),
    ("Traceback", "a traceback"),
    ('File "', "a traceback"),
    ("WarehouseError", "the exception's class"),
)


async def new_task(client: httpx.AsyncClient, title: str = "Write the release notes") -> int:
    response = await client.post("/tasks", json={"title": title})
    expect_status(response, 201, because="a valid task is created")
    task_id = json_body(response).get("id")
    expect(isinstance(task_id, int), expected="the new task's integer `id`", got=response)
    return int(task_id)


def expect_json_error(response: httpx.Response, *statuses: int, because: str) -> None:
    """An error answer: the right status and a JSON object saying what went wrong."""
    expect_status(response, *statuses, because=because)
    body = json_body(response)
    expect(
        isinstance(body, dict) and bool(body),
        expected="a JSON object that says what went wrong",
        got=response,
        response=response,
    )


def without_paths(text: str) -> str:
    """A traceback's file names from `app/` on: where the target sits differs between runs."""
    return re.sub(r"(File &quot;|File \")[^\"&]*?/(app/)", r"\1\2", text)


def leaked_internals(response: httpx.Response) -> list[str]:
    seen = response.text + " " + " ".join(f"{k}: {v}" for k, v in response.headers.items())
    return sorted({what for marker, what in INTERNALS if marker in seen})


def exception_chain_text(error: BaseException | None) -> str:
    texts: list[str] = []
    while error is not None and len(texts) < 10:
        texts.append(f"{type(error).__name__}: {error}")
        error = error.__cause__ or error.__context__
    return " <- ".join(texts)


def record_text(record: logging.LogRecord) -> str:
    """Everything a log record carries but its exception: message, arguments and extras."""
    skipped = ("exc_info", "exc_text", "stack_info")
    extras = " ".join(str(value) for key, value in vars(record).items() if key not in skipped)
    return f"{record.getMessage()} {extras}"


def ids_given_to_client(response: httpx.Response) -> set[str]:
    found = {response.headers.get("x-request-id", "")}
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        found |= {
            value
            for key, value in body.items()
            if isinstance(value, str) and key.lower().endswith("id")
        }
    if REQUEST_ID in response.text:
        found.add(REQUEST_ID)
    return {value for value in found if value}


def raised_by(call: Callable[[], object], method: str = "get") -> Exception:
    """The exception `call` raises; a failed expectation when it returns instead."""
    try:
        returned = call()
    except Exception as error:  # noqa: BLE001 - any exception is examined by the caller
        return error
    what = {
        "get": f"TaskStore.get({MISSING_TASK}) to raise a domain exception (say "
        "TaskNotFoundError) for a task that does not exist",
        "complete": "TaskStore.complete(task_id) of a done task to raise a domain exception "
        "(say TaskAlreadyDoneError)",
    }[method]
    expect(
        False,
        expected=what,
        got=f"it returned {returned!r}: every caller must now remember to check for that",
    )
    raise AssertionError("unreachable")


def the_store(ctx: Check, store_class: type) -> Any:
    """The TaskStore the running app uses: found in what its lifespan yielded.

    Where the lifespan yields none (the store is built some other way), the check builds
    one with `TaskStore()`; a store that needs arguments and is not in the lifespan state
    blocks the check on rule 08.1, which names the shape the checks need.
    """
    for value in ctx.lifespan_state.values():
        if isinstance(value, store_class):
            return value
    try:
        return store_class()
    except TypeError as error:
        raise Blocked(
            "08.1",
            "the checks look for the TaskStore instance in what the lifespan yields "
            f"(yield {{'task_store': TaskStore(...)}}), and found none; TaskStore() fails: {error}",
        ) from None


async def domain_errors(ctx: Check) -> dict[str, tuple[int, Exception]]:
    """The exceptions the app's own store raises, each with the status it must become."""
    service = ctx.module("app.tasks.service")
    store_class: Any = getattr(service, "TaskStore", None)
    expect(
        isinstance(store_class, type),
        expected="a `TaskStore` class in app/tasks/service.py (keep the starter's name)",
        got=f"names in the module: {sorted(n for n in vars(service) if not n.startswith('_'))}",
    )
    async with ctx.client(headers=SAME_ID) as client:
        task_id = await new_task(client)
        await client.post(f"/tasks/{task_id}/complete")
        store = the_store(ctx, store_class)
        found = {"a missing task": (404, raised_by(lambda: store.get(MISSING_TASK)))}
        complete = getattr(store, "complete", None)
        is_the_apps = any(value is store for value in ctx.lifespan_state.values())
        if callable(complete) and is_the_apps:
            # The task created and completed over HTTP above lives in this store.
            done = raised_by(lambda: complete(task_id), "complete")
            found["completing a done task"] = (409, done)
    return found


@check("08.1")
async def the_store_raises_a_domain_exception(ctx: Check) -> None:
    """The store raises exception classes of the app's own (not HTTPException, not None)."""
    for what, (_, raised) in (await domain_errors(ctx)).items():
        kind = type(raised)
        expect(
            not isinstance(raised, StarletteHTTPException),
            expected=f"a domain exception for {what}: the store knows tasks, not HTTP",
            got=f"{kind.__module__}.{kind.__qualname__}: {raised}",
        )
        expect(
            kind.__module__ == "app" or kind.__module__.startswith("app."),
            expected=f"an exception class defined in the app for {what} (for instance in "
            "app/tasks/exceptions.py), so that a handler can map exactly that failure",
            got=f"{kind.__module__}.{kind.__qualname__}: {raised!r}",
        )


@check("08.2")
async def the_domain_errors_are_mapped_on_the_app(ctx: Check) -> None:
    """The store's own errors, raised from a route the checks add, still answer 404 and 409."""
    errors = await domain_errors(ctx)
    app: Any = ctx.app()
    for number, (_, error) in enumerate(errors.values()):
        app.add_api_route(f"/__workbook_probe__/{number}", _raiser(error), methods=["GET"])
    async with ctx.client(app, headers=SAME_ID) as client:
        for number, (what, (wanted, error)) in enumerate(errors.items()):
            response = await client.get(f"/__workbook_probe__/{number}")
            expect_json_error(
                response,
                wanted,
                because=f"the checks added a route that raises the store's error for {what} "
                f"({type(error).__name__}); only a handler registered on the app maps it, a "
                "try/except in each route does not",
            )
    ctx.app_errors.clear()


def _raiser(error: BaseException) -> Callable[[], None]:
    def probe() -> None:
        raise error

    return probe


@check("08.2")
async def a_missing_task_is_a_404_on_every_route(ctx: Check) -> None:
    """Reading, completing or assigning a task that does not exist answers 404 with a JSON body."""
    async with ctx.client(headers=SAME_ID) as client:
        responses = [
            await client.get(f"/tasks/{MISSING_TASK}"),
            await client.post(f"/tasks/{MISSING_TASK}/complete"),
            await client.put(f"/tasks/{MISSING_TASK}/assignee", json={"user_id": MEMBER}),
        ]
    for response in responses:
        expect_json_error(response, 404, because=f"task {MISSING_TASK} does not exist")


@check("08.2")
async def completing_a_done_task_is_a_409(ctx: Check) -> None:
    """Completing a task twice answers 409 Conflict the second time."""
    async with ctx.client(headers=SAME_ID) as client:
        task_id = await new_task(client)
        first = await client.post(f"/tasks/{task_id}/complete")
        expect_status(first, 200, because="an open task can be completed")
        second = await client.post(f"/tasks/{task_id}/complete")
    expect_json_error(second, 409, because="the task is already done")


@check("08.2")
async def assigning_a_stranger_is_refused(ctx: Check) -> None:
    """Assigning a task to a user who is not on the team answers a 4xx (404, 409 or 422)."""
    async with ctx.client(headers=SAME_ID) as client:
        task_id = await new_task(client)
        response = await client.put(f"/tasks/{task_id}/assignee", json={"user_id": STRANGER})
    expect_json_error(response, 404, 409, 422, because=f"user {STRANGER} is not on the team")


@check("08.2")
async def conflicting_filters_are_a_400(ctx: Check) -> None:
    """Listing with both `assignee_id` and `unassigned=true` answers 400: an HTTPException."""
    async with ctx.client(headers=SAME_ID) as client:
        response = await client.get("/tasks", params={"assignee_id": MEMBER, "unassigned": "true"})
    expect_json_error(response, 400, because="the two filters contradict each other")


@check("08.2", baseline=True)
async def the_framework_errors_keep_their_status(ctx: Check) -> None:
    """An unknown route is a 404, a wrong method a 405 with `Allow`, a bad path id a 422."""
    async with ctx.client(headers=SAME_ID) as client:
        unknown = await client.get("/no-such-route")
        wrong_method = await client.delete("/tasks")
        bad_id = await client.get("/tasks/not-a-number")
    expect_json_error(unknown, 404, because="no route matches the path")
    expect_json_error(wrong_method, 405, because="/tasks does not take DELETE")
    expect(
        "allow" in wrong_method.headers,
        expected="the 405 to keep its `Allow` header",
        got=dict(wrong_method.headers),
        response=wrong_method,
    )
    expect_json_error(bad_id, 422, because="a task id is an integer")


@check("08.2", baseline=True)
async def bad_input_is_refused_and_loses_no_data(ctx: Check) -> None:
    """Malformed JSON, a wrong type, an oversized or a missing title get 422; stored tasks stay."""
    bad_bodies: list[tuple[str, dict[str, Any]]] = [
        ("malformed JSON", {"content": b'{"title": ', "headers": JSON_CONTENT}),
        ("a title that is a number", {"json": {"title": 12345}}),
        ("a title of 5,000 characters", {"json": {"title": "x" * 5000}}),
        ("no title at all", {"json": {}}),
    ]
    async with ctx.client(headers=SAME_ID) as client:
        task_id = await new_task(client, "Keep me")
        for what, request in bad_bodies:
            response = await client.post("/tasks", **request)
            expect_status(response, 422, because=f"{what} is refused")
            if what != "malformed JSON":
                expect(
                    "title" in error_fields(json_body(response)),
                    expected="the 422 body to name `title`",
                    got=response,
                    response=response,
                )
        listed = await client.get("/tasks")
    expect_status(listed, 200)
    body = json_body(listed)
    expect(
        isinstance(body, list)
        and [task.get("title") for task in body] == ["Keep me"]
        and body[0].get("id") == task_id,
        expected="exactly the one task stored before the bad requests",
        got=body,
        response=listed,
    )


@check("08.3")
async def a_refused_change_leaves_the_task_untouched(ctx: Check) -> None:
    """A refused assignment (stranger, or a done task) changes nothing: every guard runs first."""
    async with ctx.client(headers=SAME_ID) as client:
        task_id = await new_task(client)
        assigned = await client.put(f"/tasks/{task_id}/assignee", json={"user_id": MEMBER})
        expect_status(assigned, 200, because=f"user {MEMBER} is on the team")
        to_stranger = await client.put(f"/tasks/{task_id}/assignee", json={"user_id": STRANGER})
        after_stranger = json_body(await client.get(f"/tasks/{task_id}"))
        await client.post(f"/tasks/{task_id}/complete")
        when_done = await client.put(f"/tasks/{task_id}/assignee", json={"user_id": OTHER_MEMBER})
        after_done = json_body(await client.get(f"/tasks/{task_id}"))
    for response, after, why in (
        (to_stranger, after_stranger, f"user {STRANGER} is not on the team"),
        (when_done, after_done, "the task is already done"),
    ):
        expect(
            isinstance(after, dict) and after.get("assignee_id") == MEMBER,
            expected=f"the task to keep assignee_id {MEMBER} after a refused assignment ({why})",
            got=f"the task now reads {after}: the change was written before the checks ran",
            response=response,
        )
    expect_status(to_stranger, 404, 409, 422, because=f"user {STRANGER} is not on the team")
    expect_status(when_done, 409, because="the task is already done")


@check("08.4")
async def an_unexpected_error_is_a_generic_500(ctx: Check) -> None:
    """A failing report answers 500 with a JSON body holding no traceback, SQL or secret."""
    ctx.setenv("APP_WAREHOUSE_URL", WAREHOUSE_URL)
    async with ctx.client(headers=SAME_ID) as client:
        response = await client.get(REPORT)
    leaks = leaked_internals(response)
    expect(
        not leaks,
        expected="an error answer that reveals nothing of the server's internals",
        got=f"the response holds {', '.join(leaks)}: {without_paths(response.text)}",
        response=response,
    )
    expect_json_error(response, 500, because="the report failed on the server, not the client")


@check("08.4")
async def any_unexpected_error_is_a_generic_500(ctx: Check) -> None:
    """An error raised by a route the checks add (any route) is a generic JSON 500 too."""
    app: Any = ctx.app()
    app.add_api_route("/__workbook_probe__/crash", _raiser(_UnexpectedError()), methods=["GET"])
    async with ctx.client(app, headers=SAME_ID) as client:
        response = await client.get("/__workbook_probe__/crash")
    ctx.app_errors.clear()
    leaks = leaked_internals(response)
    expect(
        not leaks,
        expected="an error answer that reveals nothing of the server's internals",
        got=f"the response holds {', '.join(leaks)}: {without_paths(response.text)}",
        response=response,
    )
    expect_json_error(
        response,
        500,
        because="the checks added a route that raises an unexpected error: only a catch-all "
        "handler registered on the app for Exception answers it, a try/except in the "
        "report route does not",
    )


class _UnexpectedError(RuntimeError):
    def __init__(self) -> None:
        super().__init__(f"SELECT * FROM secrets -- {WAREHOUSE_SECRET} at warehouse.internal")


@check("08.5")
async def the_failure_is_logged_with_its_request_id(ctx: Check) -> None:
    """The 500 is logged at ERROR with the original exception and the request id the client got."""
    ctx.setenv("APP_WAREHOUSE_URL", WAREHOUSE_URL)
    async with ctx.client(headers=SAME_ID) as client:
        response = await client.get(REPORT, headers={"X-Request-ID": REQUEST_ID})
    errors = [record for record in ctx.logs if record.levelno >= logging.ERROR]
    with_exception = [record for record in errors if record.exc_info and record.exc_info[1]]
    expect(
        bool(with_exception),
        expected="an ERROR log record with the exception attached "
        "(logger.error(..., exc_info=error) or logger.exception(...))",
        got=[record.getMessage() for record in errors] or "no ERROR record at all",
        response=response,
    )
    original = [
        record
        for record in with_exception
        if record.exc_info and "SELECT" in exception_chain_text(record.exc_info[1])
    ]
    expect(
        bool(original),
        expected="the logged exception to be the original failure (its text holds the SQL)",
        got=[exception_chain_text(r.exc_info[1] if r.exc_info else None) for r in with_exception],
        response=response,
    )
    given = ids_given_to_client(response)
    expect(
        bool(given),
        expected="the 500 to give the client its request id (an X-Request-ID header or a body "
        "member), so a support request can find the log record",
        got=response,
        response=response,
    )
    expect(
        any(request_id in record_text(record) for record in original for request_id in given),
        expected=f"the ERROR record to carry the request id the client was given ({sorted(given)})",
        got=[record.getMessage() for record in original],
        response=response,
    )
