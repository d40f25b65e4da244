"""Checks for lesson 17: every value reaches the database as a bound parameter.

The contract (README): `GET /users/search?q=` answers a JSON list of the users whose name
contains `q`, ignoring case. People and API keys are seeded straight into the `user` and
`api_key` tables with the check's own engine, which afterwards also reads the schema back to
prove that no payload dropped or emptied a table. The payloads are the classic ones: quotes,
`--` comments, a tautology, a UNION with the other table's secret column, stacked statements.
"""

import hashlib
from typing import Any

import httpx
from sqlalchemy import Integer, String, column, func, insert, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from workbook.harness import Check, check, expect, expect_status, json_body

NAMES = ("Ada Lovelace", "Grace Hopper", "Linus Torvalds", "Margaret Hamilton")
TOKEN_HASHES = tuple(hashlib.sha256(f"key of {name}".encode()).hexdigest() for name in NAMES[:2])
USER_TABLE = table("user", column("id", Integer), column("name", String))
API_KEY_TABLE = table("api_key", column("user_id", Integer), column("token_hash", String))
TABLES = {"user": USER_TABLE, "api_key": API_KEY_TABLE}
# Names holding LIKE's special characters, and what a search for each must find.
WILD_NAMES = ("Ann_Lee", "50% Off", "C:\\Users\\bob")
WILD_SEARCHES: tuple[tuple[str, list[str]], ...] = (
    ("_", ["Ann_Lee"]),
    ("%", ["50% Off"]),
    ("\\", ["C:\\Users\\bob"]),
    ("n_l", ["Ann_Lee"]),
    ("0%", ["50% Off"]),
    ("\\u", ["C:\\Users\\bob"]),
    ("\\%", []),
)


async def seed(ctx: Check) -> None:
    """Four people; Ada and Grace have an API key."""
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(USER_TABLE), [{"name": name} for name in NAMES])
            ids = (await connection.execute(select(USER_TABLE.c.id).order_by("id"))).scalars()
            keys = zip(ids, TOKEN_HASHES, strict=False)
            await connection.execute(
                insert(API_KEY_TABLE), [{"user_id": i, "token_hash": h} for i, h in keys]
            )
    finally:
        await engine.dispose()


async def search(client: httpx.AsyncClient, term: str) -> tuple[list[Any], httpx.Response]:
    response = await client.get("/users/search", params={"q": term})
    expect_status(response, 200, because=f"{term!r} is just text to look for in names")
    body = json_body(response)
    expect(
        isinstance(body, list) and all(isinstance(row, dict) for row in body),
        expected="a JSON list of users",
        got=response,
        response=response,
    )
    return [row.get("name") for row in body], response


async def expect_no_match(client: httpx.AsyncClient, payload: str, note: str) -> None:
    names, response = await search(client, payload)
    expect(
        names == [],
        expected=f"no user, since no name contains {payload!r}",
        got=f"{len(names)} row(s): {names}",
        response=response,
        note=note,
    )


@check("17.1", baseline=True)
async def a_search_finds_names_in_any_case(ctx: Check) -> None:
    """`q` finds every user whose name contains it, whatever the case."""
    async with ctx.client() as client:
        await seed(ctx)
        for term, wanted in (
            ("ada", ["Ada Lovelace"]),
            ("HAM", ["Margaret Hamilton"]),
            ("r", ["Grace Hopper", "Linus Torvalds", "Margaret Hamilton"]),
        ):
            names, response = await search(client, term)
            expect(
                sorted(names) == wanted,
                expected=f"q={term} to find {wanted}",
                got=names,
                response=response,
            )


@check("17.1")
async def names_with_quotes_still_work(ctx: Check) -> None:
    """A user called O'Brien can be created and found by `O'Brien`."""
    async with ctx.client() as client:
        await seed(ctx)
        created = await client.post("/users", json={"name": "Siobhán O'Brien"})
        expect_status(created, 201, because="a name with an apostrophe is a valid name")
        for term in ("O'Brien", "o'b", "'"):
            names, response = await search(client, term)
            expect(
                names == ["Siobhán O'Brien"],
                expected=f"q={term} to find Siobhán O'Brien",
                got=names,
                response=response,
            )


@check("17.1")
async def a_tautology_returns_no_extra_rows(ctx: Check) -> None:
    """`' OR '1'='1` and friends match no name, so they return no rows."""
    payloads = ("' OR '1'='1", "zzz' OR 1=1 --", "' OR ''='", "') OR ('x'='x")
    async with ctx.client() as client:
        await seed(ctx)
        for payload in payloads:
            await expect_no_match(
                client,
                payload,
                note="pasted into the SQL text, the quote ends the string literal and the rest "
                "becomes a condition that is always true",
            )


@check("17.1")
async def a_union_payload_leaks_no_secret(ctx: Check) -> None:
    """A `UNION SELECT` of the api_key table's hashes returns no rows and no hash."""
    payloads = (
        "' UNION SELECT id, token_hash FROM api_key --",
        "zzz' UNION SELECT user_id, token_hash FROM api_key --",
    )
    async with ctx.client() as client:
        await seed(ctx)
        for payload in payloads:
            response = await client.get("/users/search", params={"q": payload})
            leaked = [value for value in TOKEN_HASHES if value in response.text]
            expect(
                not leaked,
                expected="no value from the api_key table in the response",
                got=f"{len(leaked)} API key hash(es) in the response: {response.text}",
                response=response,
                note="the search ran the attacker's SELECT on another table",
            )
            await expect_no_match(client, payload, note="UNION added another query's rows")


@check("17.1")
async def stacked_statements_drop_nothing(ctx: Check) -> None:
    """`'; DROP TABLE api_key; --` and friends are text: no table dropped, no row lost, no 500."""
    payloads = (
        "'; DROP TABLE api_key; --",
        'zzz\'; DELETE FROM "user"; --',
        '\'); DROP TABLE "user"; --',
    )
    async with ctx.client() as client:
        await seed(ctx)
        responses = [await client.get("/users/search", params={"q": p}) for p in payloads]
        counts = await table_counts(ctx)
        wanted = {"user": len(NAMES), "api_key": len(TOKEN_HASHES)}
        expect(
            counts == wanted,
            expected=f"both tables with all their rows afterwards: {wanted}",
            got=f"rows per table ({ctx.backend}): {counts}",
            response=responses[-1],
        )
        for payload, response in zip(payloads, responses, strict=True):
            expect(
                response.status_code == 200,
                expected=f"status 200: {payload!r} is just text to look for",
                got=response,
                response=response,
                note="the driver refused to run a second statement this time; the search broke "
                "anyway, and with another driver or API the DROP would have run",
            )
            await expect_no_match(client, payload, note="the payload became part of the query")


async def table_counts(ctx: Check) -> dict[str, int | None]:
    """Rows in each seeded table, read with the check's own engine (None: the table is gone)."""
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.connect() as connection:
            names = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
            return {
                name: await count(connection, name) if name in names else None for name in TABLES
            }
    finally:
        await engine.dispose()


async def count(connection: AsyncConnection, name: str) -> int:
    query = select(func.count()).select_from(TABLES[name])
    return int((await connection.execute(query)).scalar_one())


@check("17.1")
async def the_search_term_travels_as_a_bound_parameter(ctx: Check) -> None:
    """The SQL text sent to the database never contains the search term itself."""
    term = "Quokka-Zebra-42"
    async with ctx.client() as client:
        await seed(ctx)
        with ctx.sql_statements() as statements:
            response = await client.get("/users/search", params={"q": term})
    expect_status(response, 200, because="a search for a plain word works")
    expect(
        bool(statements),
        expected="the search to query the database",
        got="no statement",
        response=response,
    )
    spliced = [sql for sql in statements if term.lower() in sql.lower()]
    expect(
        not spliced,
        expected=f"placeholders in the SQL, and {term!r} sent beside it as a parameter",
        got="the term inside the SQL text: " + " | ".join(" ".join(s.split()) for s in spliced),
        response=response,
        note="escaping quotes by hand is not the fix: the driver must receive the value apart "
        "from the statement",
    )


@check("17.2")
async def like_wildcards_match_only_themselves(ctx: Check) -> None:
    """`%`, `_` and `\\` in a search term are characters to find, not LIKE wildcards."""
    async with ctx.client() as client:
        await seed(ctx)
        engine = create_async_engine(ctx.database_url)
        try:
            async with engine.begin() as connection:
                rows = [{"name": name} for name in WILD_NAMES]
                await connection.execute(insert(USER_TABLE), rows)
        finally:
            await engine.dispose()
        for term, wanted in WILD_SEARCHES:
            names, response = await search(client, term)
            expect(
                sorted(names) == wanted,
                expected=f"q={term} to find exactly {wanted}",
                got=names,
                response=response,
                note="escape %, _ and the escape character itself, and say which it is "
                "(icontains(term, autoescape=True) does all three)",
            )
        for payload in ("a_a", "%a%", "_a_", "a%e"):
            await expect_no_match(
                client,
                payload,
                note="even a bound parameter is a LIKE pattern: % matches anything and _ any "
                "one character, unless escaped (icontains(term, autoescape=True))",
            )
