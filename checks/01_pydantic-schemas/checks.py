"""Checks for lesson 01: validate at the boundary with Pydantic v2."""

import re
from typing import Any

import httpx

from workbook.harness import (
    Check,
    NotApplicable,
    RuleViolation,
    check,
    describe_response,
    error_fields,
    expect,
    json_body,
)
from workbook.openapi import fetch_document, json_body_schema, operations, resolve

PASSWORD = "violet-harbour-lamp-42"
# The display name differs from the e-mail's local part, so a validator that compares only
# one of them is told apart from one that compares both.
VALID_USER = {"email": "ada@example.com", "name": "Grace", "password": PASSWORD}
SECRET_WORDS = ("password", "hash", "secret")
SERVER_FIELDS = ("id", "password_hash", "created_at")
# What a stored password hash looks like, whatever key it sits under: scheme$salt$digest.
# Creation times differ on every run: the report shows a placeholder instead.
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
HASH_SHAPE = re.compile(r"\$[0-9a-fA-F]{16,}|\$2[aby]\$|\$argon2")


def shown(response: httpx.Response) -> str:
    """The response as the report shows it, creation times replaced by `<time>`."""
    return TIMESTAMP.sub("<time>", describe_response(response))


def expect_status(response: httpx.Response, *statuses: int, because: str = "") -> None:
    """As the harness's `expect_status`, with the response shown by `shown`."""
    if response.status_code in statuses:
        return
    wanted = " or ".join(str(status) for status in statuses)
    expected = f"status {wanted}" + (f" ({because})" if because else "")
    raise RuleViolation(expected, shown(response), response.request)


async def create_user(client: httpx.AsyncClient, **changes: object) -> httpx.Response:
    return await client.post("/users", json={**VALID_USER, **changes})


def expect_refused_naming(response: httpx.Response, field: str, because: str) -> None:
    expect_status(response, 422, because=because)
    named = error_fields(json_body(response))
    expect(
        field in named,
        expected=f"the 422 body to name the field `{field}`",
        got=f"fields named: {sorted(named) or 'none'}; body: {shown(response)}",
        response=response,
    )


def secret_keys(value: Any, path: str = "") -> list[str]:
    if isinstance(value, dict):
        found = [f"{path}{key}" for key in value if any(w in key.lower() for w in SECRET_WORDS)]
        for key, item in value.items():
            found += secret_keys(item, f"{path}{key}.")
        return found
    if isinstance(value, list):
        return [key for item in value for key in secret_keys(item, path)]
    if isinstance(value, str) and HASH_SHAPE.search(value):
        return [f"{path.rstrip('.') or 'a value'} (holds a password hash)"]
    return []


@check("01.2", baseline=True)
async def a_valid_user_is_created_and_read_back(ctx: Check) -> None:
    """A valid user is created (201) and reads back with the same e-mail and name."""
    async with ctx.client() as client:
        created = await create_user(client)
        expect_status(created, 201, because="a valid user is created")
        user_id = json_body(created).get("id")
        read = await client.get(f"/users/{user_id}")
    expect_status(read, 200, because="the user just created can be read")
    body = json_body(read)
    expect(
        body.get("email") == VALID_USER["email"] and body.get("name") == VALID_USER["name"],
        expected="the e-mail and name that were sent",
        got=shown(read),
        response=read,
    )


@check("01.2")
async def a_missing_field_is_named(ctx: Check) -> None:
    """A create request without a password gets 422 naming `password`, not a 500."""
    async with ctx.client() as client:
        response = await client.post("/users", json={"email": "ada@example.com", "name": "Ada"})
    expect_refused_naming(response, "password", "a required field is missing")


@check("01.2")
async def a_malformed_email_is_refused(ctx: Check) -> None:
    """An e-mail address that is not one gets 422 naming `email`."""
    async with ctx.client() as client:
        response = await create_user(client, email="ada-at-example")
    expect_refused_naming(response, "email", "the e-mail address is malformed")


@check("01.2")
async def a_short_password_is_refused(ctx: Check) -> None:
    """A password shorter than 12 characters gets 422 naming `password`."""
    async with ctx.client() as client:
        response = await create_user(client, password="hunter2")
    expect_refused_naming(response, "password", "the password is too short")


@check("01.2")
async def a_wrong_type_is_refused(ctx: Check) -> None:
    """A name sent as a number, empty or longer than 80 characters gets 422 naming `name`."""
    async with ctx.client() as client:
        as_number = await create_user(client, name=12345)
        too_long = await create_user(client, name="A" * 81)
        empty = await create_user(client, name="")
    expect_refused_naming(as_number, "name", "a name is text, not a number")
    expect_refused_naming(too_long, "name", "a name has at most 80 characters")
    expect_refused_naming(empty, "name", "a name has at least one character")


@check("01.2")
async def a_change_is_constrained_too(ctx: Check) -> None:
    """A PATCH is held to the create's limits: a bad e-mail, a long, empty or null name get 422."""
    async with ctx.client() as client:
        created = await create_user(client)
        user_id = json_body(created).get("id")
        cases = (
            ("email", "ada-at-example", "a changed e-mail address is still an e-mail address"),
            ("name", "A" * 81, "a changed name still has at most 80 characters"),
            ("name", "", "a changed name still has at least one character"),
            ("name", None, "a field of a PATCH may be left out, but not set to null"),
        )
        for field, value, because in cases:
            response = await client.patch(f"/users/{user_id}", json={field: value})
            expect_refused_naming(response, field, because)


@check("01.3")
async def an_unknown_field_is_refused(ctx: Check) -> None:
    """A create request with a field the schema does not declare gets 422 naming it."""
    async with ctx.client() as client:
        response = await create_user(client, is_admin=True)
    expect_refused_naming(response, "is_admin", "unknown fields are refused, not stored")


@check("01.3")
async def an_unknown_field_in_a_change_is_refused(ctx: Check) -> None:
    """A PATCH with a field the update schema does not declare gets 422 naming it."""
    async with ctx.client() as client:
        created = await create_user(client)
        user_id = json_body(created).get("id")
        response = await client.patch(f"/users/{user_id}", json={"is_admin": True})
    expect_refused_naming(response, "is_admin", "unknown fields are refused in a PATCH too")


def open_objects(document: dict[str, Any], schema: Any, where: str, seen: set[int]) -> list[str]:
    """Object schemas under `schema` that take fields they do not declare, named by `where`."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or id(schema) in seen:
        return []
    seen.add(id(schema))
    name = str(schema.get("title") or where)
    found = []
    extra = schema.get("additionalProperties")
    if "properties" in schema and extra is not False:
        found.append(f"{name} accepts undeclared fields")
    elif schema.get("type") == "object" and "properties" not in schema and extra in (None, True):
        found.append(f"{name} is any JSON object (no schema declares its fields)")
    children = [*(schema.get("properties") or {}).values(), schema.get("items")]
    children += [*(schema.get("allOf") or []), *(schema.get("anyOf") or [])]
    children += [*(schema.get("oneOf") or [])]
    if isinstance(extra, dict):
        children.append(extra)  # a map's values: declared models too
    for child in children:
        found += open_objects(document, child, name, seen)
    return found


@check("01.3", portable=True)
async def every_request_body_refuses_undeclared_fields(ctx: Check) -> None:
    """Every JSON request body in /openapi.json is a model with additionalProperties false."""
    async with ctx.client() as client:
        document = await fetch_document(client, "01.6")
    findings: list[str] = []
    bodies = 0
    for operation in operations(document):
        schema = json_body_schema(document, operation)
        if schema is None:
            continue
        bodies += 1
        findings += [f"{operation.label}: {finding}" for finding in
                     dict.fromkeys(open_objects(document, schema, "the body", set()))]
    if not bodies:
        raise NotApplicable("no operation takes a JSON body")
    more = f" … ({len(findings) - 6} more)" if len(findings) > 6 else ""
    expect(
        not findings,
        expected="every request body schema to declare its fields and refuse others "
        "(additionalProperties: false, from model_config = ConfigDict(extra=\"forbid\")), so "
        "an unknown field is a 422 instead of being silently dropped or stored",
        got="; ".join(findings[:6]) + more,
    )


@check("01.1", baseline=True)
async def a_change_sends_only_what_changes(ctx: Check) -> None:
    """A PATCH with only a new name is accepted and leaves the e-mail as it was."""
    async with ctx.client() as client:
        created = await create_user(client)
        user_id = json_body(created).get("id")
        response = await client.patch(f"/users/{user_id}", json={"name": "Grace Hopper"})
        expect_status(response, 200, because="no field of the update schema is required")
        read = await client.get(f"/users/{user_id}")
    body = json_body(read)
    expect(
        body.get("name") == "Grace Hopper" and body.get("email") == VALID_USER["email"],
        expected="the new name, and the e-mail unchanged",
        got=shown(read),
        response=read,
    )


@check("01.1")
async def server_fields_cannot_be_changed(ctx: Check) -> None:
    """No input schema declares `id`, `password_hash` or `created_at`; a PATCH cannot move one."""
    async with ctx.client() as client:
        created = await create_user(client)
        user_id = json_body(created).get("id")
        moved = await client.patch(f"/users/{user_id}", json={"id": 999})
        read = await client.get(f"/users/{user_id}")
        document = json_body(await client.get("/openapi.json"))
    expect(
        read.status_code == 200 and json_body(read).get("id") == user_id,
        expected=f"user {user_id} to keep its id after a PATCH that sends `id` (a 422 is best)",
        got=f"the PATCH answered {shown(moved)}; then GET /users/{user_id} answered {shown(read)}",
        response=moved,
    )
    for method in ("post", "patch"):
        path = "/users" if method == "post" else "/users/{user_id}"
        declared = set(_body_schema(document, path, method).get("properties", {}))
        settable = sorted(declared & set(SERVER_FIELDS))
        expect(
            not settable,
            expected=f"the {method.upper()} {path} body schema to declare none of "
            f"{', '.join(SERVER_FIELDS)}: the server sets them",
            got=f"it declares {settable}",
        )


@check("01.4")
async def a_password_holding_the_email_name_is_refused(ctx: Check) -> None:
    """A password holding the e-mail's local part or the display name, in any case, gets 422."""
    passwords = {
        "ADA-is-my-password-1": "the password contains the e-mail's local part `ada` (upper case)",
        "grace-is-my-password-1": "the password contains the display name `Grace` (lower case)",
    }
    async with ctx.client() as client:
        for password, because in passwords.items():
            response = await create_user(client, password=password)
            expect_status(response, 422, because=because)
            body = json_body(response)
            mentions_password = (
                "password" in error_fields(body) or "password" in response.text.lower()
            )
            expect(
                mentions_password,
                expected="the 422 body to say the problem is the password",
                got=shown(response),
                response=response,
            )


@check("01.5")
async def responses_hold_no_secret(ctx: Check) -> None:
    """Neither the create response, a read nor a change shows the password or its hash."""
    async with ctx.client() as client:
        created = await create_user(client)
        user_id = json_body(created).get("id")
        read = await client.get(f"/users/{user_id}")
        changed = await client.patch(f"/users/{user_id}", json={"name": "Grace Hopper"})
    for response in (created, read, changed):
        leaked = secret_keys(json_body(response))
        expect(
            not leaked and PASSWORD not in response.text,
            expected="no password, hash or secret field in the response",
            got=f"secret fields: {leaked}" if leaked else "the password itself in the body",
            response=response,
        )


@check("01.6")
async def the_openapi_document_carries_the_constraints(ctx: Check) -> None:
    """/openapi.json describes the create and update bodies with formats, lengths, no extras."""
    async with ctx.client() as client:
        response = await client.get("/openapi.json")
    expect_status(response, 200)
    document = json_body(response)
    create = _body_schema(document, "/users", "post")
    update = _body_schema(document, "/users/{user_id}", "patch")
    findings = {
        "create: email has format email": _has(create, "email", "format", "email"),
        "create: password has a minLength": _has(create, "password", "minLength"),
        "create: name has a maxLength": _has(create, "name", "maxLength"),
        "create: additionalProperties is false": create.get("additionalProperties") is False,
        "update: email has format email": _has(update, "email", "format", "email"),
        "update: name has a maxLength": _has(update, "name", "maxLength"),
        "update: additionalProperties is false": update.get("additionalProperties") is False,
    }
    missing = [finding for finding, holds in findings.items() if not holds]
    expect(
        not missing,
        expected="the create and update body schemas to carry their constraints: format, "
        "lengths, additionalProperties false",
        got=f"missing: {'; '.join(missing)}",
        response=response,
    )


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref", "")
    if isinstance(reference, str) and reference.startswith("#/components/schemas/"):
        name = reference.rsplit("/", 1)[-1]
        resolved: dict[str, Any] = document.get("components", {}).get("schemas", {}).get(name, {})
        return resolved
    return schema


def _body_schema(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    operation = document.get("paths", {}).get(path, {}).get(method, {})
    content = operation.get("requestBody", {}).get("content", {})
    schema = _resolve(document, content.get("application/json", {}).get("schema", {}))
    properties = {
        name: _property(document, value) for name, value in schema.get("properties", {}).items()
    }
    return {**schema, "properties": properties}


def _property(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with `anyOf: [X, null]` (an optional field) read as X."""
    schema = _resolve(document, schema)
    options = [_resolve(document, o) for o in schema.get("anyOf", []) if isinstance(o, dict)]
    not_null = [option for option in options if option.get("type") != "null"]
    if len(not_null) == 1:
        return {**schema, **not_null[0]}
    return schema


def _has(schema: dict[str, Any], field: str, key: str, value: object = None) -> bool:
    found = schema.get("properties", {}).get(field, {})
    return key in found and (value is None or found[key] == value)
