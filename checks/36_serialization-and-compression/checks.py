"""Checks for lesson 36: FastAPI serializes declared models; gzip and sparse fieldsets.

Whether FastAPI itself serialized an answer, on its fast path (the declared model dumped to
JSON bytes by pydantic-core), is observed in FastAPI: the check wraps
`fastapi.routing.serialize_response` for its own run and records each call's `dump_json`.
Bodies are validated against the schema the app's own OpenAPI document declares.
"""

import contextlib
import gzip
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]

from workbook.harness import Blocked, Check, check, error_fields, expect, expect_status, json_body

IDENTITY = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}
LARGE = "/projects/1/tasks"  # the demo project with 2000 tasks
SMALL = "/projects/2"  # one small project


# ---- OpenAPI ------------------------------------------------------------------------------

HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def success_responses(openapi: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(method, path, status, response) for every 2xx response an operation declares."""
    for path, item in openapi.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if str(status).startswith("2") and isinstance(response, dict):
                    yield method.upper(), path, str(status), response


def declares_a_model(schema: object) -> bool:
    """A schema that says something: a $ref, properties or items that do (not `{}` or a bare
    `object`)."""
    if not isinstance(schema, dict):
        return False
    if "$ref" in schema or schema.get("properties"):
        return True
    if declares_a_model(schema.get("items")):
        return True
    return any(declares_a_model(option) for key in ("anyOf", "oneOf", "allOf")
               for option in schema.get(key, []))


async def openapi_document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    expect_status(response, 200, because="the app serves its OpenAPI document")
    document: dict[str, Any] = json_body(response)
    return document


def declared_schema(openapi: dict[str, Any], method: str, path: str, status: int) -> Any:
    operation = openapi.get("paths", {}).get(path, {}).get(method.lower(), {})
    response = operation.get("responses", {}).get(str(status), {})
    return response.get("content", {}).get("application/json", {}).get("schema")


def validation_errors(openapi: dict[str, Any], schema: Any, body: Any) -> list[str]:
    """What is wrong with `body` under `schema` (refs resolved in the OpenAPI document)."""
    wrapped = {**schema, "components": openapi.get("components", {})}
    validator = jsonschema.Draft202012Validator(wrapped)
    return [f"{'/'.join(str(part) for part in error.absolute_path) or '(body)'}: "
            f"{error.message[:160]}" for error in validator.iter_errors(body)][:3]


# ---- FastAPI's serializer, observed -------------------------------------------------------


@contextlib.contextmanager
def fastapi_serializations() -> Iterator[list[bool]]:
    """Collect, for each answer FastAPI serializes meanwhile, whether it took the fast path."""
    import fastapi.routing

    original = fastapi.routing.serialize_response
    seen: list[bool] = []

    async def observed(**kwargs: Any) -> Any:
        seen.append(bool(kwargs.get("dump_json")))
        return await original(**kwargs)

    fastapi.routing.serialize_response = observed
    try:
        yield seen
    finally:
        fastapi.routing.serialize_response = original


NEW_TASK: dict[str, object] = {
    "title": "ship", "description": "to the moon", "estimate_hours": "1.25",
    "due_on": "2026-02-01", "tags": ["launch"],
}
TASKS_ROUTE = "/projects/{project_id}/tasks"
# (method, URL, the route's path in the OpenAPI document, body, status)
JSON_REQUESTS: tuple[tuple[str, str, str, dict[str, object] | None, int], ...] = (
    ("GET", "/projects", "/projects", None, 200),
    ("GET", SMALL, "/projects/{project_id}", None, 200),
    ("GET", LARGE, TASKS_ROUTE, None, 200),
    ("GET", f"{LARGE}?fields=id,title,estimate_hours", TASKS_ROUTE, None, 200),
    ("POST", "/projects/2/tasks", TASKS_ROUTE, NEW_TASK, 201),
)


# ---- 36.1 declared models -----------------------------------------------------------------


@check("36.1", baseline=True)
async def projects_and_tasks_are_served(ctx: Check) -> None:
    """The projects, the demo project's 2000 tasks and a new task are served as JSON."""
    async with ctx.client(headers=IDENTITY) as client:
        projects = await client.get("/projects")
        tasks = await client.get(LARGE)
        created = await client.post("/projects/2/tasks", json=NEW_TASK)
        invalid = await client.post("/projects/2/tasks", json={**NEW_TASK, "estimate_hours": -1})
        missing = await client.get("/projects/999999")
    expect_status(projects, 200, because="the projects can be listed")
    expect_status(tasks, 200, because="the demo project exists")
    body = json_body(tasks)
    expect(isinstance(body, list) and len(body) == 2000,
           expected="the demo project's 2000 tasks", got=f"{len(body)} items", response=tasks)
    expect_status(created, 201, because="a valid task is created")
    expect_status(invalid, 422, because="an estimate is not negative")
    expect_status(missing, 404, because="no such project")


@check("36.1", portable=True)
async def json_routes_declare_a_response_model(ctx: Check) -> None:
    """Every JSON success response in the OpenAPI document declares a schema (a model)."""
    async with ctx.client() as client:
        openapi = await openapi_document(client)
    undeclared = [
        f"{method} {path} -> {status}"
        for method, path, status, response in success_responses(openapi)
        if status != "204"
        and not declares_a_model(
            response.get("content", {}).get("application/json", {}).get("schema")
        )
    ]
    expect(not undeclared,
           expected="a response model for every JSON answer (a return type such as "
           "`-> list[TaskRead]`, or response_model=): clients and generated SDKs read it, "
           "and FastAPI serializes by it",
           got=f"no schema (or a bare object) for: {', '.join(undeclared)}")


@check("36.1")
async def fastapi_serializes_on_its_fast_path(ctx: Check) -> None:
    """Each JSON answer is serialized by FastAPI, straight from the declared model to bytes."""
    async with ctx.client(headers=IDENTITY) as client:
        for method, path, _, body, status in JSON_REQUESTS:
            with fastapi_serializations() as seen:
                response = await client.request(method, path, json=body)
            expect_status(response, status, because="the request is valid")
            expect(seen == [True],
                   expected="FastAPI to serialize the returned model itself, on its fast path "
                   "(pydantic-core, straight to JSON bytes): return the model from a route that "
                   "declares it; no JSONResponse(jsonable_encoder(...)), no response_class=",
                   got="the route built the response itself (FastAPI serialized nothing)"
                   if not seen else "FastAPI serialized through jsonable_encoder and a "
                   "response class (an explicit response_class= turns the fast path off)",
                   response=response)


@check("36.1")
async def bodies_validate_against_their_declared_schema(ctx: Check) -> None:
    """Each JSON body validates against the schema the OpenAPI document declares for it."""
    async with ctx.client(headers=IDENTITY) as client:
        openapi = await openapi_document(client)
        for method, path, route, body, status in JSON_REQUESTS:
            response = await client.request(method, path, json=body)
            expect_status(response, status, because="the request is valid")
            schema = declared_schema(openapi, method, route, status)
            if not declares_a_model(schema):
                raise Blocked("36.1", f"{method} {route} declares no response model")
            problems = validation_errors(openapi, schema, json_body(response))
            expect(not problems,
                   expected=f"the body to match the schema declared for {method} {route} "
                   f"{status}", got="; ".join(problems), response=response)


# ---- 36.2 gzip ----------------------------------------------------------------------------


def encoding(response: httpx.Response) -> str:
    value = response.headers.get("content-encoding")
    return f"Content-Encoding: {value}" if value else "no Content-Encoding header"


async def raw_get(client: httpx.AsyncClient, path: str, headers: dict[str, str]
                  ) -> tuple[httpx.Response, bytes]:
    """The response and its body exactly as sent (not decompressed)."""
    async with client.stream("GET", path, headers=headers) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, raw


@check("36.2")
async def large_bodies_are_gzipped_only_when_asked(ctx: Check) -> None:
    """2000 tasks come gzipped to a client that sends Accept-Encoding: gzip, plain to others."""
    async with ctx.client() as client:
        asked, compressed = await raw_get(client, LARGE, GZIP)
        plain, identity = await raw_get(client, LARGE, IDENTITY)
    expect_status(asked, 200, because="the demo project exists")
    expect(asked.headers.get("content-encoding") == "gzip",
           expected="Content-Encoding: gzip on a large body when the client asks for gzip",
           got=f"{encoding(asked)}, {len(compressed)} bytes", response=asked)
    expect("content-encoding" not in plain.headers,
           expected="no Content-Encoding for a client that did not ask for gzip (it may not "
           "be able to decompress)", got=encoding(plain), response=plain)
    expect(gzip.decompress(compressed) == identity,
           expected="the gzipped body to decompress to the plain one", got="another body",
           response=asked)
    expect(len(compressed) * 3 < len(identity),
           expected="gzip to shrink the JSON at least threefold",
           got=f"{len(compressed)} of {len(identity)} bytes", response=asked)
    expect("accept-encoding" in asked.headers.get("vary", "").lower(),
           expected="Vary: Accept-Encoding, so caches keep the two encodings apart",
           got=f"Vary: {asked.headers.get('vary')}", response=asked)


@check("36.2")
async def small_bodies_are_not_gzipped(ctx: Check) -> None:
    """A body under the minimum size (one small project) is sent plain, even when gzip is asked."""
    async with ctx.client() as client:
        large, _ = await raw_get(client, LARGE, GZIP)
        small, raw = await raw_get(client, SMALL, GZIP)
    if large.headers.get("content-encoding") != "gzip":
        raise Blocked("36.2", "large bodies are not gzipped yet")
    expect_status(small, 200, because="project 2 exists")
    expect("content-encoding" not in small.headers,
           expected=f"a {len(raw)}-byte body sent plain: under a minimum size (about 1 KB), "
           "gzip's header and the CPU on both ends cost more than the bytes saved",
           got=encoding(small), response=small)


# ---- 36.3 sparse fieldsets ----------------------------------------------------------------


async def sparse_tasks(client: httpx.AsyncClient, fields: str) -> httpx.Response:
    return await client.get(LARGE, params={"fields": fields})


@check("36.3")
async def a_sparse_fieldset_returns_only_those_fields(ctx: Check) -> None:
    """`?fields=id,title` returns every task with exactly id and title, in far fewer bytes."""
    async with ctx.client(headers=IDENTITY) as client:
        full = await client.get(LARGE)
        sparse = await sparse_tasks(client, "id,title")
    expect_status(sparse, 200, because="id and title are task fields")
    body = json_body(sparse)
    keys = sorted({tuple(sorted(item)) for item in body}) if isinstance(body, list) else body
    expect(isinstance(body, list) and len(body) == 2000 and keys == [("id", "title")],
           expected="2000 tasks, each with exactly the keys id and title",
           got=f"key sets {keys}"[:300], response=sparse)
    expect(len(sparse.content) * 3 < len(full.content),
           expected="a sparse list at most a third of the full one's size",
           got=f"{len(sparse.content)} of {len(full.content)} bytes", response=sparse)


@check("36.3")
async def a_requested_null_field_is_kept(ctx: Check) -> None:
    """A requested field that is null (a task without description) is sent as null, not left out."""
    async with ctx.client(headers=IDENTITY) as client:
        sparse = await sparse_tasks(client, "id,description")
    expect_status(sparse, 200, because="id and description are task fields")
    body = json_body(sparse)
    if isinstance(body, list) and body and len(body[1]) > 2:
        raise Blocked("36.3", "?fields= does not select fields yet")
    first = body[0] if isinstance(body, list) and body else body
    expect(first == {"id": 1, "description": None},
           expected='the first task as {"id": 1, "description": null}: the client asked for '
           "description; leaving it out reads as \"no such field\"",
           got=first, response=sparse)


@check("36.3")
async def an_unknown_field_is_refused(ctx: Check) -> None:
    """`?fields=id,secret` gets 422 naming `fields`, not a silently smaller answer."""
    async with ctx.client(headers=IDENTITY) as client:
        response = await sparse_tasks(client, "id,secret")
    expect_status(response, 422, because="`secret` is not a task field: a typo must not pass "
                  "unnoticed")
    expect("fields" in error_fields(json_body(response)),
           expected="the 422 to name the `fields` parameter", got=response, response=response)
