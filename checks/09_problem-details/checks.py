"""Checks for lesson 09: one error format, RFC 9457 problem details."""

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import httpx

from workbook.harness import (
    MUST_BE_REFUSED,
    Blocked,
    Check,
    NotApplicable,
    check,
    error_fields,
    expect,
    expect_status,
    json_body,
)
from workbook.openapi import (
    Operation,
    fetch_document,
    json_body_schema,
    operations,
    parameters,
    resolve,
    with_dummy_parameters,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
MEMBERS = ("type", "title", "status", "detail", "instance")
TEXT_MEMBERS = ("type", "title", "detail", "instance")
MISSING_TASK = 999
WAREHOUSE_SECRET = "wh-3Jd8-Rv5m-secret"
WAREHOUSE_URL = f"postgresql://reports:{WAREHOUSE_SECRET}@warehouse.internal:5432/reports"
JSON_CONTENT = {"content-type": "application/json"}
INTERNALS = (
    (WAREHOUSE_SECRET, "the warehouse password"),
    ("warehouse.internal", "the warehouse address"),
    ("SELECT", "the SQL statement"),
    ("no such table", "the database's own error message"),
    ("Traceback", "a traceback"),
)
ERROR_STATUS_KEYS = ("4XX", "5XX", "default")
# Every request carries this id, so that reports show the same id on every run.
SAME_ID = {"X-Request-ID": "check-09-same-id"}
ECHOED = "owner-value-3f9c"  # a value sent in a refused field: the problem must not repeat it


def media_type(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";")[0].strip().lower()


def expect_problem(response: httpx.Response, status: int, because: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with the given status; returns its body."""
    expect_status(response, status, because=because)
    expect(
        media_type(response) == PROBLEM_MEDIA_TYPE,
        expected=f"Content-Type {PROBLEM_MEDIA_TYPE} on this error answer",
        got=response,
        response=response,
    )
    body: dict[str, Any] = json_body(response)
    expect(isinstance(body, dict), expected="a JSON object", got=response, response=response)
    missing = [member for member in MEMBERS if member not in body]
    expect(
        not missing,
        expected="the problem members " + ", ".join(MEMBERS),
        got=f"missing {', '.join(missing)} in {body}",
        response=response,
    )
    not_text = [m for m in TEXT_MEMBERS if not (isinstance(body[m], str) and body[m].strip())]
    expect(
        not not_text,
        expected="type, title, detail and instance to be non-empty strings",
        got=f"{', '.join(not_text)} in {body}",
        response=response,
    )
    expect(
        body["status"] == response.status_code,
        expected=f"the `status` member to repeat the HTTP status {response.status_code}",
        got=body,
        response=response,
    )
    return body


def named_fields(body: object) -> set[str]:
    """Fields a validation problem names: loc/field/pointer/name, and `parameter` members."""
    names = error_fields(body)
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "parameter" and isinstance(value, str):
                names.add(value)
            else:
                names |= named_fields(value)
    elif isinstance(body, list):
        for item in body:
            names |= named_fields(item)
    return names


def expect_fields_named(response: httpx.Response, body: object, *fields: str) -> None:
    named = named_fields(body)
    missing = [field for field in fields if field not in named]
    expect(
        not missing,
        expected="the problem to point at each failing field: "
        + ", ".join(f"`{field}`" for field in fields)
        + " (say errors: [{detail, pointer: '#/title'}] or {detail, parameter: 'task_id'})",
        got=f"fields named: {sorted(named) or 'none'}; body: {body}",
        response=response,
    )


async def new_task(client: httpx.AsyncClient) -> int:
    response = await client.post("/tasks", json={"title": "Write the release notes"})
    expect_status(response, 201, because="a valid task is created")
    return int(json_body(response)["id"])


@check("09.1", baseline=True)
async def successes_stay_plain_json(ctx: Check) -> None:
    """A task is created (201) and read back as plain application/json, not as a problem."""
    async with ctx.client(headers=SAME_ID) as client:
        task_id = await new_task(client)
        read = await client.get(f"/tasks/{task_id}")
    expect_status(read, 200, because="the task just created can be read")
    expect(
        media_type(read) == "application/json" and json_body(read).get("id") == task_id,
        expected="the task, as application/json",
        got=read,
        response=read,
    )


@check("09.1")
async def a_domain_error_is_a_problem(ctx: Check) -> None:
    """A missing task (404) and a task completed twice (409) answer as problem details."""
    async with ctx.client(headers=SAME_ID) as client:
        missing = await client.get(f"/tasks/{MISSING_TASK}")
        task_id = await new_task(client)
        await client.post(f"/tasks/{task_id}/complete")
        twice = await client.post(f"/tasks/{task_id}/complete")
    expect_problem(missing, 404, because=f"task {MISSING_TASK} does not exist")
    expect_problem(twice, 409, because="the task is already done")


@check("09.1")
async def an_http_exception_is_a_problem(ctx: Check) -> None:
    """The HTTPException for contradicting filters answers 400 as problem details."""
    async with ctx.client(headers=SAME_ID) as client:
        response = await client.get("/tasks", params={"assignee_id": 1, "unassigned": "true"})
    expect_problem(response, 400, because="assignee_id and unassigned contradict each other")


@check("09.1")
async def an_unexpected_error_is_a_generic_problem(ctx: Check) -> None:
    """A failing report answers 500 as problem details that reveal no internals."""
    ctx.setenv("APP_WAREHOUSE_URL", WAREHOUSE_URL)
    async with ctx.client(headers=SAME_ID) as client:
        response = await client.get("/reports/overdue")
    leaks = sorted({what for marker, what in INTERNALS if marker in response.text})
    expect(
        not leaks,
        expected="a 500 that reveals nothing of the server's internals",
        got=f"the response holds {', '.join(leaks)}: {response.text}",
        response=response,
    )
    expect_problem(response, 500, because="the report failed on the server")


@check("09.2")
async def the_type_names_the_kind_of_problem(ctx: Check) -> None:
    """Two kinds of domain problem have two types; two occurrences share type and title only."""
    async with ctx.client(headers=SAME_ID) as client:
        first = await client.get(f"/tasks/{MISSING_TASK}")
        second = await client.get(f"/tasks/{MISSING_TASK + 1}")
        task_id = await new_task(client)
        await client.post(f"/tasks/{task_id}/complete")
        conflict = await client.post(f"/tasks/{task_id}/complete")
    not_found = expect_problem(first, 404, because=f"task {MISSING_TASK} does not exist")
    again = expect_problem(second, 404, because=f"task {MISSING_TASK + 1} does not exist")
    done = expect_problem(conflict, 409, because="the task is already done")
    expect(
        not_found["type"] != done["type"],
        expected="a `type` URI per kind of problem, so clients can tell 'task not found' from "
        "'task already done' without parsing prose",
        got=f"both have type {done['type']!r}",
        response=conflict,
    )
    expect(
        (not_found["type"], not_found["title"]) == (again["type"], again["title"]),
        expected="the same type and title for two occurrences of one kind of problem",
        got=f"type {not_found['type']!r} titled {not_found['title']!r}, then type "
        f"{again['type']!r} titled {again['title']!r}",
        response=second,
    )
    expect(
        not_found["instance"] != again["instance"],
        expected="`instance` to identify the occurrence (the failing request), not the kind",
        got=f"both have instance {again['instance']!r}",
        response=second,
    )


@check("09.2")
async def a_blank_type_has_the_reason_phrase_as_title(ctx: Check) -> None:
    """A problem of type about:blank (or none) is titled with its status's reason phrase."""
    async with ctx.client(headers=SAME_ID) as client:
        answers = [
            await client.get("/no-such-route"),
            await client.get("/another-missing-route"),
            await client.delete("/tasks"),
            await client.get("/tasks", params={"assignee_id": 1, "unassigned": "true"}),
        ]
    problems = [response for response in answers if media_type(response) == PROBLEM_MEDIA_TYPE]
    if not problems:
        raise Blocked(
            "09.1",
            "none of these error answers is a problem yet: "
            + ", ".join(
                f"{r.request.method} {r.request.url.path} {r.status_code}" for r in answers
            ),
        )
    titles: dict[str, set[str]] = {}
    for response in problems:
        body = json_body(response)
        if not isinstance(body, dict):
            continue
        kind = str(body.get("type", "about:blank"))
        titles.setdefault(kind, set()).add(str(body.get("title")))
        phrase = HTTPStatus(response.status_code).phrase
        expect(
            kind != "about:blank" or body.get("title") == phrase,
            expected=f"type about:blank with the title {phrase!r}, the reason phrase of "
            f"{response.status_code}: about:blank says no more than the status code",
            got=body,
            response=response,
        )
    varying = {kind: sorted(found) for kind, found in titles.items() if len(found) > 1}
    expect(
        all(kind == "about:blank" for kind in varying),
        expected="one fixed title per problem type",
        got=f"titles that differ within one type: {varying}",
    )


@check("09.3", portable=True)
async def an_unknown_route_is_a_problem(ctx: Check) -> None:
    """A path no route matches answers 404 as problem details."""
    async with ctx.client(headers=SAME_ID) as client:
        response = await client.get("/no-such-route")
    expect_problem(response, 404, because="no route matches /no-such-route")


# Methods tried on a path that lacks them, in this order: the router answers 405 before any
# handler runs, so none of them can change data.
UNUSED_METHODS = ("delete", "put", "patch", "post")


def wrong_method_target(document: dict[str, Any]) -> tuple[str, str] | None:
    """A method some path lacks, and that path (paths without parameters first)."""
    by_path: dict[str, set[str]] = {}
    for operation in operations(document):
        by_path.setdefault(operation.path, set()).add(operation.method)
    for path in sorted(by_path, key=lambda path: ("{" in path, path)):
        unused = [method for method in UNUSED_METHODS if method not in by_path[path]]
        if unused:
            return unused[0].upper(), with_dummy_parameters(path)
    return None


@check("09.3", portable=True)
async def a_wrong_method_is_a_problem_that_keeps_allow(ctx: Check) -> None:
    """A method a path does not take answers 405 as problem details, keeping `Allow`."""
    async with ctx.client(headers=SAME_ID) as client:
        target = wrong_method_target(await fetch_document(client, "09.5"))
        if target is None:
            raise NotApplicable("every path takes every method")
        method, path = target
        response = await client.request(method, path, extensions=MUST_BE_REFUSED)
    expect_problem(response, 405, because=f"{path} does not take {method}")
    expect(
        bool(response.headers.get("allow")),
        expected="the `Allow` header of the 405, passed on from the exception's headers",
        got=dict(response.headers),
        response=response,
    )


@check("09.4")
async def an_invalid_body_is_a_problem_naming_each_field(ctx: Check) -> None:
    """A number for `title` and an unknown `owner`: a 422 problem naming both, echoing neither."""
    async with ctx.client(headers=SAME_ID) as client:
        response = await client.post("/tasks", json={"title": 12345, "owner": ECHOED})
    body = expect_problem(response, 422, because="title must be text and owner is not a field")
    expect_fields_named(response, body, "title", "owner")
    expect(
        ECHOED not in response.text,
        expected="each entry to say what failed and where, without the `input` pydantic "
        "attaches (it echoes what the client sent)",
        got=f"the problem repeats {ECHOED!r}, the value sent in `owner`: {response.text}",
        response=response,
    )


@check("09.4")
async def invalid_parameters_are_problems_naming_them(ctx: Check) -> None:
    """A non-integer path id and a non-boolean query flag are 422 problems naming each."""
    async with ctx.client(headers=SAME_ID) as client:
        bad_path = await client.get("/tasks/not-a-number")
        bad_query = await client.get("/tasks", params={"unassigned": "perhaps"})
    path_body = expect_problem(bad_path, 422, because="a task id is an integer")
    expect_fields_named(bad_path, path_body, "task_id")
    query_body = expect_problem(bad_query, 422, because="unassigned is true or false")
    expect_fields_named(bad_query, query_body, "unassigned")


# Scalar types a text such as "not-a-number" can never be: sent as one, validation refuses it.
SCALAR_TYPES = {"integer", "number", "boolean"}
NOT_A_SCALAR = "not-a-number"


def schema_types(document: dict[str, Any], schema: Any) -> set[str]:
    """The JSON types a (resolved) schema allows, through anyOf/oneOf (Optional[int] too)."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict):
        return set()
    kind = schema.get("type")
    found = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else set()
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key) or []:
            found |= schema_types(document, option)
    return found


def needs_credentials(document: dict[str, Any], operation: Operation) -> bool:
    """The document says the operation is secured (its own `security`, else the global one)."""
    security = operation.spec.get("security", document.get("security"))
    return bool(security)


def body_probes(document: dict[str, Any]) -> Iterator[tuple[Operation, list[str]]]:
    """Operations whose JSON body has required fields, with those fields; public ones first."""
    found = []
    for operation in operations(document):
        schema = json_body_schema(document, operation)
        required = schema.get("required") if schema else None
        if operation.method != "get" and isinstance(required, list) and required:
            found.append((operation, [str(name) for name in required]))
    found.sort(key=lambda probe: (needs_credentials(document, probe[0]),
                                  probe[0].has_path_parameters))
    yield from found


def parameter_probes(document: dict[str, Any]) -> Iterator[tuple[Operation, str, str]]:
    """GET operations with a path or query parameter that must be a number or a boolean:
    (operation, the parameter's name, where it goes); public operations first."""
    found = []
    for operation in operations(document):
        if operation.method != "get":
            continue
        for parameter in parameters(document, operation):
            types = schema_types(document, parameter.get("schema")) - {"null"}
            if parameter.get("in") in ("path", "query") and types and types <= SCALAR_TYPES:
                found.append((operation, str(parameter["name"]), str(parameter["in"])))
                break
    found.sort(key=lambda probe: needs_credentials(document, probe[0]))
    yield from found


async def first_validated(
    client: httpx.AsyncClient, requests: Iterator[tuple[httpx.Request, list[str], str]]
) -> tuple[httpx.Response, list[str], str] | None:
    """The first answer that validation, not authentication, gave (401/403 try the next)."""
    for request, fields, why in requests:
        response = await client.send(request)
        if response.status_code not in (401, 403):
            return response, fields, why
    return None


def body_requests(
    client: httpx.AsyncClient, document: dict[str, Any]
) -> Iterator[tuple[httpx.Request, list[str], str]]:
    for operation, required in body_probes(document):
        request = client.build_request(
            operation.method.upper(),
            with_dummy_parameters(operation.path),
            json={},
            extensions=MUST_BE_REFUSED,
        )
        yield request, required, f"{operation.label} lacks {', '.join(required)}"


def parameter_requests(
    client: httpx.AsyncClient, document: dict[str, Any]
) -> Iterator[tuple[httpx.Request, list[str], str]]:
    for operation, name, location in parameter_probes(document):
        path, query = operation.path, {}
        if location == "path":
            path = path.replace("{" + name + "}", NOT_A_SCALAR)
        else:
            query = {name: NOT_A_SCALAR}
        request = client.build_request("GET", with_dummy_parameters(path), params=query)
        yield request, [name], f"{name} of {operation.label} must be a number or a boolean"


@check("09.4", portable=True)
async def validation_problems_name_the_failing_fields(ctx: Check) -> None:
    """On any route, an empty body and a mistyped parameter are 422 problems naming each field."""
    async with ctx.client(headers=SAME_ID) as client:
        document = await fetch_document(client, "09.5")
        answers = [
            answer
            for answer in (
                await first_validated(client, body_requests(client, document)),
                await first_validated(client, parameter_requests(client, document)),
            )
            if answer is not None
        ]
    if not answers:
        raise NotApplicable(
            "no operation that answers without credentials takes a JSON body with required "
            "fields or a numeric or boolean parameter"
        )
    for response, fields, why in answers:
        body = expect_problem(response, 422, because=why)
        expect_fields_named(response, body, *fields)


@check("09.4")
async def bad_bodies_are_problems_and_lose_no_data(ctx: Check) -> None:
    """Malformed JSON, an oversized or a missing title are 4xx problems; stored tasks stay."""
    bad_requests: list[tuple[str, dict[str, Any]]] = [
        ("malformed JSON", {"content": b'{"title": ', "headers": JSON_CONTENT}),
        ("a title of 5,000 characters", {"json": {"title": "x" * 5000}}),
        ("no title at all", {"json": {}}),
    ]
    async with ctx.client(headers=SAME_ID) as client:
        task_id = await new_task(client)
        responses = [(what, await client.post("/tasks", **req)) for what, req in bad_requests]
        listed = await client.get("/tasks")
    for what, response in responses:
        expected_status = response.status_code if response.status_code in (400, 422) else 422
        expect_problem(response, expected_status, because=f"{what} is refused")
    body = json_body(listed)
    expect(
        isinstance(body, list) and [task.get("id") for task in body] == [task_id],
        expected="exactly the one task stored before the bad requests",
        got=body,
        response=listed,
    )


@check("09.5")
async def the_openapi_document_describes_problems(ctx: Check) -> None:
    """Every operation documents its error responses as application/problem+json problems."""
    async with ctx.client(headers=SAME_ID) as client:
        response = await client.get("/openapi.json")
    expect_status(response, 200)
    document = json_body(response)
    faults: list[str] = []
    for path, path_item in document.get("paths", {}).items():
        for method, operation in path_item.items():
            if isinstance(operation, dict):
                faults += operation_faults(document, f"{method.upper()} {path}", operation)
    expect(
        bool(document.get("paths")) and not faults,
        expected="each operation to document at least one error status, each under "
        f"{PROBLEM_MEDIA_TYPE} with a schema that has {', '.join(MEMBERS)}",
        got="; ".join(faults[:6]) + (f" … ({len(faults) - 6} more)" if len(faults) > 6 else ""),
        response=response,
    )


def operation_faults(document: dict[str, Any], name: str, operation: dict[str, Any]) -> list[str]:
    responses: dict[str, Any] = operation.get("responses", {})
    errors = {code: item for code, item in responses.items() if is_error_key(code)}
    if not errors:
        return [f"{name} documents no error response"]
    faults = []
    for code, item in errors.items():
        content = item.get("content", {}) if isinstance(item, dict) else {}
        if PROBLEM_MEDIA_TYPE not in content:
            faults.append(f"{name} {code} is documented as {sorted(content) or 'no content'}")
            continue
        members = schema_properties(document, content[PROBLEM_MEDIA_TYPE].get("schema", {}))
        missing = [member for member in MEMBERS if member not in members]
        if missing:
            faults.append(f"{name} {code}: the schema lacks {', '.join(missing)}")
    return faults


def is_error_key(code: str) -> bool:
    return code[:1] in ("4", "5") or code in ERROR_STATUS_KEYS


def schema_properties(document: dict[str, Any], schema: Any, depth: int = 0) -> set[str]:
    """Property names of a schema, following $ref and allOf/anyOf/oneOf."""
    if not isinstance(schema, dict) or depth > 10:
        return set()
    found = set(schema.get("properties", {}))
    reference = schema.get("$ref", "")
    if isinstance(reference, str) and reference.startswith("#/"):
        target: Any = document
        for part in reference[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        found |= schema_properties(document, target, depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            found |= schema_properties(document, part, depth + 1)
    return found
