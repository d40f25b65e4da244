"""Checks for lesson 16: filtering and sorting only through whitelisted, typed parameters.

The contract (README): `GET /users?role=&is_active=&sort=&order=` answers a JSON list of team
members. Six users are seeded straight into the `user` table with the check's own engine
(accounts come from a sign-up flow this service does not have); their names, e-mails, join
dates and password hashes each sort in a different order, so a wrong sort shows.
"""

import re
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import Boolean, DateTime, String, column, insert, table
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.harness import Check, check, expect, expect_status, json_body

USER_TABLE = table(
    "user",
    column("email", String),
    column("name", String),
    column("role", String),
    column("is_active", Boolean),
    column("created_at", DateTime(timezone=True)),
    column("password_hash", String),
)


def joined(day: int) -> datetime:
    return datetime(2024, 1, day, 9, 30, tzinfo=UTC)


# name, e-mail, role, active, joined, password hash
USERS = (
    ("Ada", "lovelace@example.com", "admin", True, joined(2), "$scrypt$c1d9"),
    ("Barbara", "liskov@example.com", "member", False, joined(5), "$scrypt$f00d"),
    ("Grace", "hopper@example.com", "admin", False, joined(1), "$scrypt$0a7e"),
    ("Ken", "thompson@example.com", "guest", False, joined(3), "$scrypt$9b1f"),
    ("Linus", "torvalds@example.com", "member", True, joined(6), "$scrypt$5ee5"),
    ("Margaret", "hamilton@example.com", "member", True, joined(4), "$scrypt$7c0d"),
)
NAMES = [user[0] for user in USERS]


async def seed_users(ctx: Check) -> None:
    keys = ("name", "email", "role", "is_active", "created_at", "password_hash")
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            rows = [dict(zip(keys, user, strict=True)) for user in USERS]
            await connection.execute(insert(USER_TABLE), rows)
    finally:
        await engine.dispose()


async def names_for(client: httpx.AsyncClient, **params: str) -> tuple[list[Any], httpx.Response]:
    response = await client.get("/users", params=params)
    expect_status(response, 200, because=f"{query(params)} is a valid query")
    return names_in(response), response


def names_in(response: httpx.Response) -> list[Any]:
    body = json_body(response)
    expect(
        isinstance(body, list) and all(isinstance(user, dict) for user in body),
        expected="a JSON list of users",
        got=response,
        response=response,
    )
    return [user.get("name") for user in body]


def query(params: dict[str, str]) -> str:
    return "?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else ""


@check("16.1", baseline=True)
async def allowed_sorts_work_both_ways(ctx: Check) -> None:
    """Sorting by name, e-mail or join date works ascending and descending."""
    by_email = [user[0] for user in sorted(USERS, key=lambda user: user[1])]
    by_joined = [user[0] for user in sorted(USERS, key=lambda user: user[4])]
    cases = {
        ("name", "asc"): sorted(NAMES),
        ("name", "desc"): sorted(NAMES, reverse=True),
        ("email", "asc"): by_email,
        ("email", "desc"): by_email[::-1],
        ("created_at", "asc"): by_joined,
        ("created_at", "desc"): by_joined[::-1],
    }
    async with ctx.client() as client:
        await seed_users(ctx)
        for (field, order), wanted in cases.items():
            got, response = await names_for(client, sort=field, order=order)
            expect(
                got == wanted,
                expected=f"sorted by {field} {order}: {wanted}",
                got=got,
                response=response,
            )


@check("16.1")
async def sorting_by_a_secret_or_unknown_field_is_refused(ctx: Check) -> None:
    """`sort=password_hash`, an unknown field or an unknown order is a 422, not a result."""
    refused = {
        "password_hash": "sorting by a secret leaks it one comparison at a time",
        "shoe_size": "there is no such field",
        "__class__": "a Python attribute is not a field",
        "metadata": "a Python attribute is not a field",
    }
    async with ctx.client() as client:
        await seed_users(ctx)
        for field, because in refused.items():
            response = await client.get("/users", params={"sort": field})
            expect(
                response.status_code == 422,
                expected=f"status 422 (sort={field}: {because})",
                got=f"200, users in {field} order: {names_in(response)}"
                if response.status_code == 200
                else response,
                response=response,
            )
        response = await client.get("/users", params={"sort": "name", "order": "sideways"})
        expect_status(response, 422, because="the order is asc or desc")


@check("16.1")
async def the_sort_whitelist_is_published(ctx: Check) -> None:
    """/openapi.json lists the allowed `sort` and `order` values, and no secret among them."""
    async with ctx.client() as client:
        response = await client.get("/openapi.json")
    expect_status(response, 200)
    document = json_body(response)
    operation = document.get("paths", {}).get("/users", {}).get("get", {})
    parameters = {p.get("name"): p.get("schema", {}) for p in operation.get("parameters", [])}
    sort_values = enum_values(document, parameters.get("sort", {}))
    expect(
        {"name", "email", "created_at"} <= sort_values and "password_hash" not in sort_values,
        expected="the `sort` parameter declared as an enum of name, email, created_at",
        got=f"allowed values: {sorted(sort_values) or 'any string'}",
        response=response,
    )
    order_values = enum_values(document, parameters.get("order", {}))
    expect(
        order_values == {"asc", "desc"},
        expected="the `order` parameter declared as an enum of asc, desc",
        got=f"allowed values: {sorted(order_values) or 'any string'}",
        response=response,
    )


def enum_values(document: dict[str, Any], schema: Any) -> set[str]:
    """The values a parameter schema allows, through $ref, allOf/anyOf/oneOf and const."""
    if not isinstance(schema, dict):
        return set()
    reference = schema.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[-1]
        return enum_values(document, document.get("components", {}).get("schemas", {}).get(name))
    values = {str(value) for value in schema.get("enum", [])}
    if "const" in schema:
        values.add(str(schema["const"]))
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            values |= enum_values(document, part)
    return values


ORDER_BY = re.compile(r"\bORDER BY\s+(?P<terms>.+?)(?:\s+LIMIT\b|\s+OFFSET\b|$)", re.S)
ID_TERM = re.compile(r'(?:^|\.)"?id"?(?:\s+(?:ASC|DESC))?(?:\s+NULLS\s+\w+)?$', re.I)


def order_terms(statement: str) -> list[str]:
    match = ORDER_BY.search(statement)
    return [term.strip() for term in match["terms"].split(",")] if match else []


@check("16.1", baseline=True)
async def the_sort_ends_with_the_id_as_tiebreaker(ctx: Check) -> None:
    """Every sort orders by the chosen column, then the id: equal names keep a fixed order."""
    async with ctx.client() as client:
        await seed_users(ctx)
        for sort, order in (("name", "asc"), ("created_at", "desc"), ("email", "asc")):
            with ctx.sql_statements() as statements:
                response = await client.get("/users", params={"sort": sort, "order": order})
            expect_status(response, 200, because=f"sort={sort}&order={order} is a valid query")
            listing = [order_terms(statement) for statement in statements]
            listing = [terms for terms in listing if terms]
            expect(
                bool(listing) and all(len(t) > 1 and ID_TERM.search(t[-1]) for t in listing),
                expected=f"ORDER BY {sort} {order.upper()}, then the primary key (id) as the "
                "last term, so rows with equal values have one fixed order",
                got=f"ORDER BY {', '.join(listing[0])}" if listing else "no ORDER BY",
                response=response,
                note="without a tiebreaker, equal values come back in whatever order the "
                "database finds them, and a page boundary among them loses or repeats rows",
            )


@check("16.2")
async def filters_combine_with_and(ctx: Check) -> None:
    """`role` and `is_active` are typed filters: given together, both must hold."""
    async with ctx.client() as client:
        await seed_users(ctx)
        got, response = await names_for(
            client, role="member", is_active="true", sort="name", order="desc"
        )
        expect(
            got == ["Margaret", "Linus"],
            expected="the active members, by name descending: ['Margaret', 'Linus']",
            got=got,
            response=response,
            note="query-string values are text until a typed parameter converts them: "
            "compared as the string 'true', is_active matches nothing"
            if not got
            else "each filter given narrows the list: conditions combine with AND",
        )
        for params, wanted in (
            ({"role": "admin"}, ["Ada", "Grace"]),
            ({"is_active": "false"}, ["Barbara", "Grace", "Ken"]),
            ({"role": "guest", "is_active": "true"}, []),
        ):
            got, response = await names_for(client, **params, sort="name")
            expect(
                got == wanted,
                expected=f"{query(params)} to give {wanted}",
                got=got,
                response=response,
            )
        for params in ({"role": "overlord"}, {"is_active": "maybe"}):
            response = await client.get("/users", params=params)
            expect_status(response, 422, because=f"{query(params)} is not a value the filter takes")


@check("16.2")
async def a_secret_is_never_a_filter(ctx: Check) -> None:
    """`?password_hash=...` narrows nothing: the parameter is refused (4xx) or ignored."""
    async with ctx.client() as client:
        await seed_users(ctx)
        for value in ("$scrypt$c1d9", "nothing-matches-this"):
            response = await client.get("/users", params={"password_hash": value})
            if 400 <= response.status_code < 500:
                continue
            expect_status(response, 200, because="a 4xx, or the parameter ignored")
            got = names_in(response)
            expect(
                sorted(got) == sorted(NAMES),
                expected="all six users (the parameter ignored) or a 4xx (refused)",
                got=f"{len(got)} user(s): {got}",
                response=response,
                note="a filter on a secret column answers yes/no questions about the secret",
            )
