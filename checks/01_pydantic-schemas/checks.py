"""Checks for lesson 01: validate at the boundary with Pydantic v2."""

from typing import Any

import httpx

from workbook.harness import Check, check, error_fields, expect, expect_status, json_body

PASSWORD = "violet-harbour-lamp-42"
VALID_USER = {"email": "ada@example.com", "name": "Ada", "password": PASSWORD}
SECRET_WORDS = ("password", "hash", "secret")


async def create_user(client: httpx.AsyncClient, **changes: object) -> httpx.Response:
    return await client.post("/users", json={**VALID_USER, **changes})


def expect_refused_naming(response: httpx.Response, field: str, because: str) -> None:
    expect_status(response, 422, because=because)
    named = error_fields(json_body(response))
    expect(
        field in named,
        expected=f"the 422 body to name the field `{field}`",
        got=f"fields named: {sorted(named) or 'none'}",
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
        got=body,
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
    """A name sent as a number, or longer than 80 characters, gets 422 naming `name`."""
    async with ctx.client() as client:
        as_number = await create_user(client, name=12345)
        too_long = await create_user(client, name="A" * 500)
    expect_refused_naming(as_number, "name", "a name is text, not a number")
    expect_refused_naming(too_long, "name", "a name has at most 80 characters")


@check("01.3")
async def an_unknown_field_is_refused(ctx: Check) -> None:
    """A create request with a field the schema does not declare gets 422 naming it."""
    async with ctx.client() as client:
        response = await create_user(client, is_admin=True)
    expect_refused_naming(response, "is_admin", "unknown fields are refused, not stored")


@check("01.1")
async def server_fields_cannot_be_changed(ctx: Check) -> None:
    """A PATCH that tries to set `id` or `password_hash` gets 422: the update schema has neither."""
    async with ctx.client() as client:
        created = await create_user(client)
        user_id = json_body(created).get("id")
        for field, value in (("id", 999), ("password_hash", "x")):
            response = await client.patch(f"/users/{user_id}", json={field: value})
            expect_refused_naming(response, field, f"`{field}` is set by the server only")


@check("01.4")
async def a_password_holding_the_email_name_is_refused(ctx: Check) -> None:
    """A password that contains the e-mail's name gets 422 about the password."""
    async with ctx.client() as client:
        response = await create_user(client, password="ada-is-my-password-1")
    expect_status(response, 422, because="the password contains the e-mail's name `ada`")
    body = json_body(response)
    mentions_password = "password" in error_fields(body) or "password" in response.text.lower()
    expect(
        mentions_password,
        expected="the 422 body to say the problem is the password",
        got=body,
        response=response,
    )


@check("01.5")
async def responses_hold_no_secret(ctx: Check) -> None:
    """Neither the create response nor a read shows the password or its hash."""
    async with ctx.client() as client:
        created = await create_user(client)
        user_id = json_body(created).get("id")
        read = await client.get(f"/users/{user_id}")
    for response in (created, read):
        leaked = secret_keys(json_body(response))
        expect(
            not leaked and PASSWORD not in response.text,
            expected="no password, hash or secret field in the response",
            got=f"secret fields: {leaked}" if leaked else "the password itself in the body",
            response=response,
        )


@check("01.6")
async def the_openapi_document_carries_the_constraints(ctx: Check) -> None:
    """/openapi.json describes the create body with its format, lengths and no extra fields."""
    async with ctx.client() as client:
        response = await client.get("/openapi.json")
    expect_status(response, 200)
    document = json_body(response)
    schema = _create_body_schema(document)
    properties = schema.get("properties", {})
    findings = {
        "email has format email": properties.get("email", {}).get("format") == "email",
        "password has a minLength": "minLength" in properties.get("password", {}),
        "name has a maxLength": "maxLength" in properties.get("name", {}),
        "additionalProperties is false": schema.get("additionalProperties") is False,
    }
    missing = [finding for finding, holds in findings.items() if not holds]
    expect(
        not missing,
        expected="the POST /users body schema to declare: " + "; ".join(findings),
        got=f"missing: {'; '.join(missing)}; schema: {schema}",
        response=response,
    )


def _create_body_schema(document: dict[str, Any]) -> dict[str, Any]:
    operation = document.get("paths", {}).get("/users", {}).get("post", {})
    content = operation.get("requestBody", {}).get("content", {})
    schema: dict[str, Any] = content.get("application/json", {}).get("schema", {})
    reference = schema.get("$ref", "")
    if reference.startswith("#/components/schemas/"):
        name = reference.rsplit("/", 1)[-1]
        resolved: dict[str, Any] = document.get("components", {}).get("schemas", {}).get(name, {})
        return resolved
    return schema
