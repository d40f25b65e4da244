"""Checks for lesson 02: resource-oriented routes and the status codes that go with them."""

import re
from collections.abc import Mapping
from typing import Any

import httpx

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

APOLLO = {"name": "Apollo", "description": "Fly to the moon and back"}
MISSING_ID = 999_999
ITEM_PATH = re.compile(r"^/projects/\{[^/}]+\}$")


async def create_project(client: httpx.AsyncClient, **fields: object) -> httpx.Response:
    return await client.post("/projects", json={**APOLLO, **fields})


async def created_id(client: httpx.AsyncClient) -> int:
    """Create a project (any 2xx) and return its id, failing the check if that is impossible."""
    response = await create_project(client)
    expect(
        response.is_success and isinstance(json_body(response).get("id"), int),
        expected="POST /projects to create the project and answer with its `id`",
        got=response,
        response=response,
    )
    project_id: int = json_body(response)["id"]
    return project_id


def expect_fields(response: httpx.Response, wanted: Mapping[str, object], because: str) -> None:
    body = json_body(response)
    actual = {key: body.get(key) for key in wanted} if isinstance(body, dict) else body
    expect(
        actual == wanted,
        expected=f"{wanted} ({because})",
        got=actual,
        response=response,
    )


@check("02.1", baseline=True)
async def a_project_is_created_and_read_back(ctx: Check) -> None:
    """A valid project is created and reads back with the name and description sent."""
    async with ctx.client() as client:
        project_id = await created_id(client)
        read = await client.get(f"/projects/{project_id}")
    expect_status(read, 200, because="the project just created can be read")
    expect_fields(read, APOLLO, "the fields that were sent")


@check("02.1", baseline=True)
async def bad_input_is_refused_and_stores_nothing(ctx: Check) -> None:
    """Malformed JSON, a wrong type, an oversized or a missing name get a 4xx and store nothing."""
    bad_bodies: dict[str, dict[str, Any]] = {
        "malformed JSON": {"content": b'{"name": "Apol', "headers": _JSON},
        "a name that is a number": {"json": {**APOLLO, "name": 12345}},
        "a name of 500 characters": {"json": {**APOLLO, "name": "A" * 500}},
        "no name at all": {"json": {"description": "nameless"}},
        "a field the schema does not declare": {"json": {**APOLLO, "owner_id": 1}},
    }
    async with ctx.client() as client:
        for what, request in bad_bodies.items():
            response = await client.post("/projects", **request)
            expect_status(response, 400, 422, because=f"{what} is the client's mistake")
        listing = await client.get("/projects")
    expect_status(listing, 200)
    expect(
        json_body(listing) == [],
        expected="no project stored after refused requests",
        got=json_body(listing),
        response=listing,
    )


@check("02.1")
async def a_create_answers_201_with_a_location(ctx: Check) -> None:
    """POST /projects answers 201 Created with a `Location` header that leads to the project."""
    async with ctx.client() as client:
        created = await create_project(client)
        expect_status(created, 201, because="a request that created a resource answers 201")
        location = created.headers.get("location")
        expect(
            bool(location),
            expected="a `Location` header holding the new project's URL",
            got=f"headers: {dict(created.headers)}",
            response=created,
        )
        followed = await client.get(created.request.url.join(location or ""))
    expect_status(followed, 200, because="the `Location` URL is where the new project lives")
    expect_fields(followed, {"id": json_body(created).get("id"), **APOLLO}, "the project created")


@check("02.2")
async def a_delete_answers_204_with_an_empty_body(ctx: Check) -> None:
    """DELETE answers 204 No Content with an empty body, and the project is gone afterwards."""
    async with ctx.client() as client:
        project_id = await created_id(client)
        deleted = await client.delete(f"/projects/{project_id}")
        expect_status(deleted, 204, because="a delete has nothing left to show")
        expect(
            deleted.content == b"",
            expected="an empty body (204 means no content)",
            got=deleted.text,
            response=deleted,
        )
        read = await client.get(f"/projects/{project_id}")
    expect_status(read, 404, because="a deleted project no longer exists")


@check("02.1", baseline=True)
async def a_delete_loses_no_other_project(ctx: Check) -> None:
    """Deleting one project leaves the others intact, and a new project never reuses its id."""
    async with ctx.client() as client:
        first = await created_id(client)
        second = await created_id(client)
        deleted = await client.delete(f"/projects/{first}")
        expect(deleted.is_success, expected="the delete to succeed", got=deleted, response=deleted)
        third = await created_id(client)
        expect(
            third not in (first, second),
            expected=f"a fresh id for the new project (not {first} or {second})",
            got=third,
        )
        kept = await client.get(f"/projects/{second}")
    expect_status(kept, 200, because="only the project that was deleted is gone")
    expect_fields(kept, {"id": second, **APOLLO}, "the other project, untouched")


@check("02.3")
async def a_missing_project_is_a_404(ctx: Check) -> None:
    """GET, PATCH and DELETE on a project that does not exist answer 404, not 200."""
    path = f"/projects/{MISSING_ID}"
    async with ctx.client() as client:
        answers = [
            await client.get(path),
            await client.patch(path, json={"name": "Ghost"}),
            await client.delete(path),
        ]
    for response in answers:
        expect_status(response, 404, because=f"project {MISSING_ID} does not exist")


PROBE_PATH = "/__workbook_probe__/projects/999999"


@check("02.3")
async def the_not_found_error_is_mapped_on_the_app(ctx: Check) -> None:
    """A `ProjectNotFoundError` raised by any route becomes a 404: one handler on the app."""
    error_class = ctx.attribute(
        "app.projects.exceptions", "ProjectNotFoundError", required_by="02.3"
    )
    error = _make_error(error_class)
    app = ctx.app()
    add_route = getattr(app, "add_api_route", None)
    expect(
        callable(add_route),
        expected="app.main.app to be the FastAPI app",
        got=type(app).__name__,
    )

    def probe() -> None:
        # A route the learner never wrote: only a handler registered on the app can map it.
        raise error

    add_route(PROBE_PATH, probe, methods=["GET"])  # type: ignore[misc]
    async with ctx.client(app) as client:
        response = await client.get(PROBE_PATH)
    expect_status(
        response,
        404,
        because="the checks added a route that raises ProjectNotFoundError; a handler "
        "registered on the app (app.add_exception_handler) maps it wherever it is raised, "
        "a try/except in each route does not",
    )
    ctx.app_errors.clear()


def _make_error(error_class: object) -> BaseException:
    """An instance of the learner's error class, whatever its constructor asks for."""
    if not (isinstance(error_class, type) and issubclass(error_class, BaseException)):
        raise Blocked(
            "02.3", "ProjectNotFoundError in app/projects/exceptions.py is not an exception"
        )
    for arguments in ((MISSING_ID,), (), (f"project {MISSING_ID} does not exist",)):
        try:
            return error_class(*arguments)
        except TypeError:
            continue
    raise Blocked(
        "02.3",
        "ProjectNotFoundError takes arguments the checks cannot guess: give it one, the project id",
    )


@check("02.4")
async def a_patch_keeps_the_fields_it_does_not_send(ctx: Check) -> None:
    """A PATCH that sends only `name` changes the name and keeps the description."""
    async with ctx.client() as client:
        project_id = await created_id(client)
        patched = await client.patch(f"/projects/{project_id}", json={"name": "Apollo 11"})
        expect_status(patched, 200, because="a PATCH may send just the fields it changes")
        expect_fields(
            patched,
            {"name": "Apollo 11", "description": APOLLO["description"]},
            "the new name, and the description that was not sent kept as it was",
        )
        read = await client.get(f"/projects/{project_id}")
    expect_fields(
        read,
        {"name": "Apollo 11", "description": APOLLO["description"]},
        "the stored project to keep its description too",
    )


@check("02.4")
async def a_patch_applies_an_explicit_null_only_where_allowed(ctx: Check) -> None:
    """`description: null` clears the description; `name: null` is a 422 that loses nothing."""
    async with ctx.client() as client:
        project_id = await created_id(client)
        path = f"/projects/{project_id}"
        cleared = await client.patch(path, json={"description": None})
        expect_status(cleared, 200, because="a description may be cleared by sending null")
        expect_fields(
            cleared,
            {"name": APOLLO["name"], "description": None},
            "the description cleared (it was sent as null) and the name kept (it was not sent)",
        )
        refused = await client.patch(path, json={"name": None})
        expect_status(refused, 422, because="a project always has a name: null is refused")
        read = await client.get(path)
    expect_fields(
        read,
        {"name": APOLLO["name"], "description": None},
        "the refused PATCH to change nothing",
    )


@check("02.4", baseline=True)
async def a_bad_patch_is_refused_and_changes_nothing(ctx: Check) -> None:
    """A PATCH with malformed JSON, a wrong type or a name too long gets a 4xx, changing nothing."""
    bad_bodies: dict[str, dict[str, Any]] = {
        "malformed JSON": {"content": b'{"name": ', "headers": _JSON},
        "a name that is a number": {"json": {"name": 12345}},
        "a name of 500 characters": {"json": {"name": "A" * 500}},
        "a field the schema does not declare": {"json": {"name": "Apollo 11", "id": 7}},
    }
    async with ctx.client() as client:
        project_id = await created_id(client)
        path = f"/projects/{project_id}"
        for what, request in bad_bodies.items():
            response = await client.patch(path, **request)
            expect_status(response, 400, 422, because=f"{what} is the client's mistake")
        read = await client.get(path)
    expect_status(read, 200)
    expect_fields(read, {"id": project_id, **APOLLO}, "the project as it was created")


@check("02.5")
async def the_openapi_document_declares_each_status(ctx: Check) -> None:
    """/openapi.json documents 201 for POST /projects and 204 for DELETE /projects/{id}."""
    async with ctx.client() as client:
        response = await client.get("/openapi.json")
    expect_status(response, 200)
    paths: dict[str, Any] = json_body(response).get("paths", {})
    item = _item_operations(paths)
    documented = {
        "POST /projects": set(paths.get("/projects", {}).get("post", {}).get("responses", {})),
        "DELETE /projects/{id}": set(item.get("delete", {}).get("responses", {})),
    }
    wanted = {"POST /projects": "201", "DELETE /projects/{id}": "204"}
    wrong = {
        operation: sorted(codes)
        for operation, codes in documented.items()
        if wanted[operation] not in codes or "200" in codes
    }
    expect(
        not wrong,
        expected="POST /projects to document 201 and DELETE /projects/{id} 204, neither 200 "
        "(the status belongs in the route decorator: status_code=status.HTTP_201_CREATED)",
        got=f"documented statuses: {wrong}",
        response=response,
    )


def _item_operations(paths: dict[str, Any]) -> dict[str, Any]:
    """The operations of `/projects/{...}`, whatever the learner named the path parameter."""
    for path, operations in paths.items():
        if ITEM_PATH.match(path) and isinstance(operations, dict):
            return operations
    return {}


_JSON = {"content-type": "application/json"}
