"""Checks for lesson 42: a complete, truthful OpenAPI document, hidden in production.

Most checks walk the app's own `/openapi.json` and know nothing of the task tracker
(`portable=True`); the others send the tracker's real requests and compare what came back
with what the document promises.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import SchemaError  # type: ignore[import-untyped]

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body
from workbook.openapi import Operation, operations, resolve

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_MEMBERS = ("type", "title", "status", "detail")
NO_BODY_STATUSES = {"204", "205", "304"}
MISSING_TASK = 999_999
DOCS_PATHS = ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect")


async def openapi_document(client: httpx.AsyncClient, rule: str) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    if response.status_code != 200:
        raise Blocked(rule, f"GET /openapi.json answered {response.status_code} in development")
    document: dict[str, Any] = json_body(response)
    return document


async def load_document(ctx: Check, rule: str) -> dict[str, Any]:
    async with ctx.client() as client:
        return await openapi_document(client, rule)


def merged_properties(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """The properties a schema declares, through `$ref` and `allOf`."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict):
        return {}
    properties = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        properties.update(merged_properties(document, part))
    return properties


@dataclass(frozen=True)
class RouteInfo:
    name: str
    path_format: str


def api_routes(ctx: Check) -> dict[tuple[str, str], RouteInfo]:
    """(path, method) -> name and path of the FastAPI route serving it (included routers too)."""
    from fastapi import routing

    routes: list[Any] = list(getattr(ctx.app(), "routes", []))
    iterate = getattr(routing, "iter_route_contexts", None)
    candidates = list(iterate(routes)) if iterate is not None else routes
    found: dict[tuple[str, str], RouteInfo] = {}
    for route in candidates:
        original = getattr(route, "original_route", route)
        if not isinstance(original, routing.APIRoute):
            continue
        info = RouteInfo(str(route.name), str(route.path_format))
        for method in route.methods or ():
            found[(info.path_format, str(method).lower())] = info
    return found


def success_responses(operation: Operation) -> dict[str, Any]:
    responses = operation.spec.get("responses") or {}
    return {str(code): value for code, value in responses.items() if str(code).startswith("2")}


def error_responses(operation: Operation) -> dict[str, Any]:
    responses = operation.spec.get("responses") or {}
    return {
        str(code): value
        for code, value in responses.items()
        if str(code)[:1] in ("4", "5") or str(code) == "default"
    }


def find_operation(document: dict[str, Any], path: str, method: str) -> Operation:
    for operation in operations(document):
        if operation.path == path and operation.method == method:
            return operation
    raise AssertionError(f"no operation {method.upper()} {path} in the document")


def is_free_form(document: dict[str, Any], schema: Any) -> bool:
    """An empty schema, or an object (or list of them) that declares no properties."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or not schema:
        return True
    if schema.get("type") == "array":
        return is_free_form(document, schema.get("items"))
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list):
            return all(is_free_form(document, part) for part in schema[key])
    if schema.get("type") == "object":
        return not schema.get("properties")
    return "type" not in schema and "enum" not in schema and "const" not in schema


# --- 42.1 -----------------------------------------------------------------------------------


@check("42.1", portable=True)
async def every_operation_has_a_summary_description_and_tags(ctx: Check) -> None:
    """Every operation in /openapi.json has a written summary, a description and tags."""
    document = await load_document(ctx, "42.6")
    routes = api_routes(ctx)
    problems: list[str] = []
    for operation in operations(document):
        spec = operation.spec
        summary = spec.get("summary")
        route = routes.get((operation.path, operation.method))
        generated = route.name.replace("_", " ").title() if route is not None else None
        if not (isinstance(summary, str) and summary.strip()):
            problems.append(f"{operation.label}: no summary")
        elif summary == generated:
            problems.append(
                f"{operation.label}: summary {summary!r} is FastAPI's default, made from the "
                "function's name"
            )
        description = spec.get("description")
        if not (isinstance(description, str) and description.strip()):
            problems.append(f"{operation.label}: no description")
        tags = spec.get("tags")
        if not (isinstance(tags, list) and tags and all(isinstance(t, str) and t for t in tags)):
            problems.append(f"{operation.label}: no tags")
    expect(
        bool(list(operations(document))) and not problems,
        expected="every operation to carry a summary written for people (not the function "
        "name), a description (the docstring or description=) and at least one tag",
        got="\n".join(problems) or "no operations at all",
    )


# --- 42.2 -----------------------------------------------------------------------------------


@check("42.2", portable=True)
async def every_operation_documents_its_success_answer(ctx: Check) -> None:
    """Every operation documents one success status, with a response model unless it is 204."""
    document = await load_document(ctx, "42.6")
    problems: list[str] = []
    for operation in operations(document):
        successes = success_responses(operation)
        if len(successes) != 1:
            problems.append(f"{operation.label}: success statuses {sorted(successes) or 'none'}")
            continue
        (code, response), = successes.items()
        if code in NO_BODY_STATUSES:
            if isinstance(response, dict) and response.get("content"):
                problems.append(f"{operation.label}: {code} documents a body it cannot have")
            continue
        content = response.get("content") if isinstance(response, dict) else None
        if not isinstance(content, dict) or not content:
            problems.append(f"{operation.label}: {code} documents no body")
            continue
        for media_type, media in content.items():
            schema = media.get("schema") if isinstance(media, dict) else None
            if is_free_form(document, schema):
                problems.append(
                    f"{operation.label}: {code} {media_type} schema {schema} says nothing "
                    "of the body's fields (no response model)"
                )
    expect(
        not problems,
        expected="exactly one documented 2xx per operation, whose body schema is a response "
        "model (a return type or response_model=), or 204 with no body",
        got="\n".join(problems),
    )


async def status_answered(
    client: httpx.AsyncClient, document: dict[str, Any], path: str, method: str,
    response: httpx.Response,
) -> None:
    operation = find_operation(document, path, method)
    documented = sorted(success_responses(operation))
    expect(
        str(response.status_code) in documented,
        expected=f"{operation.label} to answer the success status its document lists "
        f"({', '.join(documented) or 'none'})",
        got=response,
        response=response,
        note="declare it in the decorator (status_code=201), not by setting "
        "response.status_code inside the function: the document only knows the decorator",
    )


@check("42.2")
async def the_status_sent_is_the_status_documented(ctx: Check) -> None:
    """Creating a task or project and deleting a task answer the 2xx their operations list."""
    async with ctx.client() as client:
        document = await openapi_document(client, "42.6")
        created = await client.post("/tasks", json={"title": "Write the notes", "priority": 2})
        expect_status(created, 201, because="a create answers 201 Created")
        await status_answered(client, document, "/tasks", "post", created)
        project = await client.post("/projects", json={"name": "Website"})
        expect_status(project, 201, because="a create answers 201 Created")
        await status_answered(client, document, "/projects", "post", project)
        task_id = json_body(created)["id"]
        deleted = await client.delete(f"/tasks/{task_id}")
        expect_status(deleted, 204, because="a delete answers 204 No Content")
        await status_answered(client, document, "/tasks/{task_id}", "delete", deleted)


# --- 42.3 -----------------------------------------------------------------------------------


def problem_schema_gaps(document: dict[str, Any], response: Any) -> str:
    """Why a documented error response does not describe a problem, or ''."""
    content = response.get("content") if isinstance(response, dict) else None
    if not isinstance(content, dict) or PROBLEM_MEDIA_TYPE not in content:
        media = ", ".join(content) if isinstance(content, dict) and content else "no body"
        return f"documented as {media}, not {PROBLEM_MEDIA_TYPE}"
    schema = content[PROBLEM_MEDIA_TYPE].get("schema")
    missing = [m for m in PROBLEM_MEMBERS if m not in merged_properties(document, schema)]
    if missing:
        return f"its schema {schema} lacks the problem members {', '.join(missing)}"
    return ""


@check("42.3", portable=True)
async def every_documented_error_uses_the_problem_schema(ctx: Check) -> None:
    """Every documented 4xx/5xx is application/problem+json with the problem schema, 422 too."""
    document = await load_document(ctx, "42.6")
    problems: list[str] = []
    for operation in operations(document):
        errors = error_responses(operation)
        takes_input = bool(operation.spec.get("parameters") or operation.spec.get("requestBody"))
        if takes_input and "422" not in errors:
            problems.append(f"{operation.label}: takes input but documents no 422")
        for code, response in sorted(errors.items()):
            gap = problem_schema_gaps(document, response)
            if gap:
                problems.append(f"{operation.label} {code}: {gap}")
    expect(
        not problems,
        expected="every error response an operation documents to be served as "
        f"{PROBLEM_MEDIA_TYPE} with a schema that has {', '.join(PROBLEM_MEMBERS)} "
        "(replacing FastAPI's default HTTPValidationError for 422)",
        got="\n".join(problems),
    )


async def expect_documented_error(
    document: dict[str, Any], path: str, method: str, response: httpx.Response, status: int
) -> None:
    expect_status(response, status)
    operation = find_operation(document, path, method)
    errors = error_responses(operation)
    expect(
        str(status) in errors,
        expected=f"{operation.label} to document the {status} it answers with "
        f"(it documents {', '.join(sorted(errors)) or 'no errors'})",
        got=response,
        response=response,
        note="list each error a route can raise: responses={404: {'model': Problem}}",
    )
    gap = problem_schema_gaps(document, errors[str(status)])
    expect(not gap, expected=f"{operation.label} {status} described as a problem", got=gap,
           response=response)
    schema = errors[str(status)]["content"][PROBLEM_MEDIA_TYPE].get("schema")
    body = json_body(response)
    undocumented = sorted(set(body) - set(merged_properties(document, schema))) if isinstance(
        body, dict
    ) else []
    expect(
        not undocumented,
        expected=f"the schema of {operation.label} {status} to describe every member the "
        "answer carries",
        got=f"members sent but not in the documented schema: {', '.join(undocumented)}",
        response=response,
        note="document each error with the model it is built from (a 422 is a "
        "ValidationProblem, with its `errors`), so clients can read what is really sent",
    )


@check("42.3")
async def every_error_the_app_sends_is_documented(ctx: Check) -> None:
    """A missing task (404), completing it twice (409) and a bad body (422) are each documented."""
    async with ctx.client() as client:
        document = await openapi_document(client, "42.6")
        missing = await client.get(f"/tasks/{MISSING_TASK}")
        await expect_documented_error(document, "/tasks/{task_id}", "get", missing, 404)
        gone = await client.delete(f"/tasks/{MISSING_TASK}")
        await expect_documented_error(document, "/tasks/{task_id}", "delete", gone, 404)
        created = await client.post("/tasks", json={"title": "Ship it"})
        task_id = json_body(created)["id"]
        await client.post(f"/tasks/{task_id}/complete")
        again = await client.post(f"/tasks/{task_id}/complete")
        await expect_documented_error(
            document, "/tasks/{task_id}/complete", "post", again, 409
        )
        bad = await client.post("/projects", json={"name": ""})
        await expect_documented_error(document, "/projects", "post", bad, 422)


# --- 42.4 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    where: str
    value: Any
    schema: Any


def schema_examples(
    document: dict[str, Any], schema: Any, where: str, depth: int = 0
) -> Iterator[Example]:
    """Examples carried by a schema, its items and its properties (through `$ref`s)."""
    target = resolve(document, schema)
    if not isinstance(target, dict) or depth > 3:
        return
    name = schema.get("$ref", where) if isinstance(schema, dict) else where
    for value in target.get("examples") or []:
        yield Example(f"{where} ({name})", value, target)
    if "example" in target:
        yield Example(f"{where} ({name})", target["example"], target)
    if target.get("type") == "array" and "items" in target:
        yield from schema_examples(document, target["items"], f"{where} items", depth + 1)
    for field_name, field_schema in (target.get("properties") or {}).items():
        yield from schema_examples(document, field_schema, f"{where} .{field_name}", depth + 1)


def media_examples(document: dict[str, Any], media: Any, where: str) -> Iterator[Example]:
    if not isinstance(media, dict):
        return
    schema = media.get("schema")
    if "example" in media:
        yield Example(where, media["example"], schema)
    for name, example in (media.get("examples") or {}).items():
        if isinstance(example, dict) and "value" in example:
            yield Example(f"{where} example {name!r}", example["value"], schema)
    yield from schema_examples(document, schema, where)


def operation_examples(document: dict[str, Any], operation: Operation) -> Iterator[Example]:
    """Examples of what a client sends to, or gets back from, an operation on success."""
    for parameter in operation.spec.get("parameters") or []:
        parameter = resolve(document, parameter)
        if isinstance(parameter, dict):
            yield from media_examples(document, parameter, f"parameter {parameter.get('name')}")
    body = resolve(document, operation.spec.get("requestBody"))
    if isinstance(body, dict):
        for media_type, media in (body.get("content") or {}).items():
            yield from media_examples(document, media, f"request body {media_type}")
    for code, response in success_responses(operation).items():
        response = resolve(document, response)
        if isinstance(response, dict):
            for media_type, media in (response.get("content") or {}).items():
                yield from media_examples(document, media, f"{code} {media_type}")


def validation_error(document: dict[str, Any], example: Example) -> str:
    schema = resolve(document, example.schema)
    if not isinstance(schema, dict):
        return ""
    schema = {key: value for key, value in schema.items() if key not in ("examples", "example")}
    schema["components"] = document.get("components") or {}
    try:
        error = next(iter(Draft202012Validator(schema).iter_errors(example.value)), None)
    except SchemaError as schema_error:
        return f"its schema is not valid: {schema_error.message}"
    return "" if error is None else error.message


@check("42.4", portable=True)
async def every_operation_has_an_example_that_validates(ctx: Check) -> None:
    """Each operation shows an example (parameter, body or success answer); every one is valid."""
    document = await load_document(ctx, "42.6")
    problems: list[str] = []
    for operation in operations(document):
        examples = list(operation_examples(document, operation))
        if not examples:
            problems.append(
                f"{operation.label}: no example in its parameters, request body or success "
                "answer"
            )
        for example in examples:
            error = validation_error(document, example)
            if error:
                problems.append(
                    f"{operation.label} {example.where}: example {example.value!r} does not "
                    f"validate: {error}"
                )
    expect(
        not problems,
        expected="at least one example per operation, and every example valid against the "
        "schema it illustrates",
        got="\n".join(problems),
    )


# --- 42.5 -----------------------------------------------------------------------------------


def path_derived(operation_id: str, route: RouteInfo | None, method: str) -> bool:
    """FastAPI's default id (function name + path + method) or one built the same way."""
    if route is None:
        return False
    path_part = re.sub(r"\W", "_", route.path_format)
    default = re.sub(r"\W", "_", route.name + route.path_format) + f"_{method}"
    if operation_id == default or len(route.path_format) <= 1:
        return operation_id == default
    # Any spelling of the path in the id: raw, `\W` -> `_`, or letters and digits alone.
    squeezed_id = alphanumerics(operation_id)
    squeezed_path = alphanumerics(route.path_format)
    has_params_or_segments = "{" in route.path_format or route.path_format.count("/") > 1
    return (
        (path_part in operation_id and operation_id.endswith(f"_{method}"))
        or route.path_format in operation_id
        or alphanumerics(route.name + route.path_format) in squeezed_id
        or (has_params_or_segments and squeezed_path in squeezed_id)
    )


def alphanumerics(text: str) -> str:
    return re.sub(r"[\W_]", "", text).lower()


@check("42.5", portable=True)
async def operation_ids_are_unique_and_stable(ctx: Check) -> None:
    """Every operation has an operationId, none repeats, none is built from its path."""
    document = await load_document(ctx, "42.6")
    routes = api_routes(ctx)
    seen: dict[str, str] = {}
    problems: list[str] = []
    for operation in operations(document):
        operation_id = operation.spec.get("operationId")
        if not (isinstance(operation_id, str) and operation_id):
            problems.append(f"{operation.label}: no operationId")
            continue
        if operation_id in seen:
            problems.append(
                f"{operation.label}: operationId {operation_id!r} is also {seen[operation_id]}'s"
            )
        seen[operation_id] = operation.label
        route = routes.get((operation.path, operation.method))
        if path_derived(operation_id, route, operation.method):
            problems.append(
                f"{operation.label}: operationId {operation_id!r} is built from the path "
                "(and method), so it changes when the route moves"
            )
    expect(
        bool(seen) and not problems,
        expected="one unique operationId per operation, chosen (operation_id= or a "
        "generate_unique_id_function) so that it survives a change of path",
        got="\n".join(problems) or "no operations",
        note="generated SDKs name their methods after operationIds: a changed id breaks "
        "every client's code",
    )


# --- 42.6 -----------------------------------------------------------------------------------


# How the lessons' services are told they run in production (an audited service says its own).
PRODUCTION = {"APP_ENVIRONMENT": "production"}


def plain_api_get(document: dict[str, Any]) -> str | None:
    """A GET route of the API itself with no parameter: it must keep serving in production."""
    for operation in operations(document):
        has_parameters = "{" in operation.path or operation.spec.get("parameters")
        if operation.method == "get" and not has_parameters and operation.path not in DOCS_PATHS:
            return operation.path
    return None


@check("42.6", portable=True)
async def docs_are_hidden_in_production(ctx: Check) -> None:
    """With production settings, /docs, /redoc and /openapi.json answer 404; the API serves."""
    production = ctx.production_environment(PRODUCTION)
    async with ctx.client() as client:
        api_path = plain_api_get(await openapi_document(client, "42.6"))
        before = await client.get(api_path) if api_path else None
    for name, value in production.items():
        ctx.setenv(name, value)
    async with ctx.client(ctx.fresh_app()) as client:
        for path in DOCS_PATHS:
            response = await client.get(path)
            expect(
                response.status_code == 404,
                expected=f"GET {path} to answer 404: production settings hide the API's docs",
                got=f"{response.status_code} {response.headers.get('content-type', '')}, "
                f"{len(response.content)} bytes",
                response=response,
            )
        if api_path and before is not None:
            after = await client.get(api_path)
            expect(
                after.status_code == before.status_code,
                expected=f"GET {api_path} to answer {before.status_code} as in development: "
                "hiding the docs must leave the API itself serving",
                got=after,
                response=after,
            )


@check("42.6", baseline=True)
async def docs_are_served_in_development(ctx: Check) -> None:
    """With APP_ENVIRONMENT=development (the default), /docs and /openapi.json answer 200."""
    for environment in (None, "development"):
        ctx.setenv("APP_ENVIRONMENT", environment)
        async with ctx.client() as client:
            for path in ("/docs", "/openapi.json"):
                response = await client.get(path)
                expect_status(response, 200, because="developers read the docs")


@check("42.3", baseline=True)
async def the_api_serves_requests_and_answers_errors_as_problems(ctx: Check) -> None:
    """Tasks can be created, read and listed; a missing task is a 404 problem."""
    async with ctx.client() as client:
        created = await client.post("/tasks", json={"title": "Write the notes"})
        expect_status(created, 201)
        task_id = json_body(created)["id"]
        read = await client.get(f"/tasks/{task_id}")
        expect_status(read, 200)
        expect(json_body(read)["title"] == "Write the notes", expected="the stored title",
               got=read, response=read)
        listed = await client.get("/tasks", params={"limit": 1})
        expect_status(listed, 200)
        missing = await client.get(f"/tasks/{MISSING_TASK}")
        expect_status(missing, 404)
        expect(
            missing.headers.get("content-type", "").startswith(PROBLEM_MEDIA_TYPE),
            expected=f"{PROBLEM_MEDIA_TYPE} (lesson 09)", got=missing, response=missing,
        )
