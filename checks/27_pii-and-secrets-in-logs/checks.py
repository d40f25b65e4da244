"""Checks for lesson 27: no password, token, secret or personal data in logs; real erasure.

Every log record is captured, from every logger at every level (DEBUG up), and read whole:
the formatted message, its arguments, any `extra` fields, and the formatted traceback with
its chained exceptions. A redacting filter on one handler does not help: other handlers
(an error tracker, an OpenTelemetry exporter) receive the record as it was made. Erasure is
judged in the database itself: every row of every table is read after the deletion.
"""

import contextlib
import json
import logging
import re
import traceback
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import MetaData, event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.harness import Check, check, expect, expect_status, json_body

ADA = {
    "email": "ada.lovelace+tracker@example.org",
    "full_name": "Ada Königsberg-Lovelace",
    "password": "Correct-Horse-7-Battery",
}
GRACE = {
    "email": "grace.hopper@example.net",
    "full_name": "Grace Brewster Hopper",
    "password": "Nanosecond-30cm-Wire",
}
WRONG_PASSWORD = "Tr0ub4dor&3-guess"
MAILER_KEY = "mk_live_5f2a9c1e7b3d4a6f"
# The checks' own HTTP client logs each request it sends (the service makes no HTTP calls).
CHECKS_OWN_LOGGERS = {"httpx", "httpcore"}
STANDARD_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


# --- reading the logs -------------------------------------------------------------------------


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write or ship of one record."""
    parts = [str(record.msg), repr(record.args)]
    with contextlib.suppress(TypeError, ValueError):
        parts.append(record.getMessage())
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(record.exc_info[1])))
    else:  # exc_text is the same traceback, cached once a handler has formatted it
        parts.append(record.exc_text or "")
    parts.append(record.stack_info or "")
    parts += [
        f"{name}={value!r}"
        for name, value in vars(record).items()
        if name not in STANDARD_RECORD_FIELDS and name != "exc_text"
    ]
    return "\n".join(parts)


def spellings(value: str) -> set[str]:
    """The ways a value shows up in text: as is, JSON-escaped, URL-encoded."""
    return {value, json.dumps(value)[1:-1], quote(value, safe=""), quote(value)}


def leaks(ctx: Check, secrets: dict[str, str]) -> list[str]:
    """'<what> in a <level> record of <logger>: <excerpt>' for each secret found."""
    found = []
    for record in ctx.logs:
        if record.name.split(".")[0] in CHECKS_OWN_LOGGERS:
            continue
        text = steady(record_text(record))
        lowered = text.lower()
        for what, value in secrets.items():
            for spelling in spellings(value):
                at = lowered.find(spelling.lower())
                if at >= 0:
                    # Hide every secret in the whole text first: an excerpt cut through a
                    # secret would show a piece of it (and a random token differs per run).
                    hidden = hide(text, secrets)
                    marker = hidden.find(f"<{what}>")
                    if marker < 0:
                        hidden, marker = hide(text[:at], secrets) + f"<{what}>", at
                    excerpt = hidden[max(0, marker - 80) : marker + len(what) + 42]
                    excerpt = excerpt.replace("\n", " ")
                    found.append(
                        f"{what} in a record of logger {record.name!r} at "
                        f"{record.levelname}: …{excerpt}…"
                    )
                    break
    return list(dict.fromkeys(found))


def steady(text: str) -> str:
    """The text with what changes from run to run (addresses, hashes, durations) elided."""
    text = re.sub(r"<[^<>]* at 0x[0-9a-fA-F]+>", "<object>", text)
    text = re.sub(r"\$(?:argon2|2[aby]\$)[\w$=,+/.-]*", "<a password hash>", text)
    text = re.sub(r"\b\d+\.\d+ ?s\b", "<n> s", text)
    text = re.sub(r"\b\d+\.\d{3,}\b", "<n>", text)
    return re.sub(r"\b\d+(?:\.\d+)? ?ms\b", "<n> ms", text)


def hide(text: str, secrets: dict[str, str]) -> str:
    """The text with each secret (random tokens too) replaced by its name, longest first."""
    for what, value in sorted(secrets.items(), key=lambda item: -len(item[1])):
        for spelling in sorted(spellings(value), key=len, reverse=True):
            text = text.replace(spelling, f"<{what}>")
    return text


def expect_no_leaks(ctx: Check, secrets: dict[str, str], during: str) -> None:
    found = leaks(ctx, secrets)
    expect(
        not found,
        expected=f"no log record (any logger, any level, tracebacks and extra fields "
        f"included) holding {', '.join(secrets)}, during {during}",
        got="\n".join(found[:4]) + (f"\n… and {len(found) - 4} more" if len(found) > 4 else ""),
    )


def personal_data(person: dict[str, str]) -> dict[str, str]:
    local_part = person["email"].split("@")[0]
    return {
        "the full e-mail address": person["email"],
        "the e-mail's local part": local_part,
        # A mask that keeps most of the address (all but its last letters) is no mask.
        "the first half of the e-mail's local part": local_part[: len(local_part) // 2],
        "the full name": person["full_name"],
    }


# --- driving the service ----------------------------------------------------------------------


def prepare(ctx: Check) -> None:
    """Cheap password hashing (the settings allow it), every log level captured."""
    ctx.setenv("APP_PASSWORD_HASH_TIME_COST", "1")
    ctx.setenv("APP_PASSWORD_HASH_MEMORY_KIB", "1024")
    ctx.setenv("APP_MAILER_API_KEY", MAILER_KEY)
    ctx.capture_logs_from(logging.DEBUG)


async def sign_up(client: httpx.AsyncClient, person: dict[str, str]) -> httpx.Response:
    response = await client.post("/users", json=person)
    expect_status(response, 201, because="a valid sign-up creates the user")
    return response


async def log_in(client: httpx.AsyncClient, person: dict[str, str]) -> str:
    response = await client.post(
        "/auth/login", json={"email": person["email"], "password": person["password"]}
    )
    expect_status(response, 200, because="the right password logs in")
    token = json_body(response).get("access_token")
    expect(isinstance(token, str) and len(token) >= 16, expected="an access_token in the body",
           got=response, response=response)
    return str(token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def failed_login(client: httpx.AsyncClient, person: dict[str, str]) -> httpx.Response:
    response = await client.post(
        "/auth/login", json={"email": person["email"], "password": WRONG_PASSWORD}
    )
    expect_status(response, 401, because="a wrong password is refused")
    return response


# --- 27.1 no password, token or secret in a log record ----------------------------------------


@check("27.1", baseline=True)
async def sign_up_log_in_and_read_me(ctx: Check) -> None:
    """Sign-up answers 201, login a token, /users/me the user; a wrong password gets 401."""
    prepare(ctx)
    async with ctx.client() as client:
        created = await sign_up(client, ADA)
        token = await log_in(client, ADA)
        me = await client.get("/users/me", headers=bearer(token))
        await failed_login(client, ADA)
        anonymous = await client.get("/users/me")
    expect_status(me, 200)
    expect(json_body(me).get("email") == ADA["email"], expected="the logged-in user",
           got=me, response=me)
    expect("password" not in json.dumps(json_body(created)),
           expected="no password (or hash) in the answer", got=created, response=created)
    expect_status(anonymous, 401, because="/users/me needs a bearer token")


@check("27.1")
async def sign_up_and_login_log_no_password_or_token(ctx: Check) -> None:
    """Logs of a sign-up, a login and an authenticated request hold no password or token."""
    prepare(ctx)
    async with ctx.client() as client:
        await sign_up(client, ADA)
        token = await log_in(client, ADA)
        me = await client.get("/users/me", headers=bearer(token))
        # A link that carries a token in its query string (an e-mail's sign-in link).
        linked = await client.get("/users/me", params={"token": token}, headers=bearer(token))
    expect_status(me, 200)
    expect(linked.status_code < 500, expected="an answer to GET /users/me?token=...",
           got=linked, response=linked)
    expect_no_leaks(
        ctx,
        {"the password": ADA["password"], "the access token": token},
        "POST /users, POST /auth/login, GET /users/me with the token, and GET "
        "/users/me?token=<the token> (a query string is logged without its values, or not at "
        "all)",
    )
    access_lines = [record for record in ctx.logs if "/auth/login" in record_text(record)]
    expect(
        bool(access_lines),
        expected="the access log to keep a line per request (method, path, status): "
        "a record naming /auth/login",
        got=f"{len(ctx.logs)} records, none naming /auth/login",
    )


@check("27.1")
async def a_failed_login_logs_no_password(ctx: Check) -> None:
    """A failed login is logged (WARNING or higher), without the password that was tried."""
    prepare(ctx)
    async with ctx.client() as client:
        await sign_up(client, ADA)
        refused = await failed_login(client, ADA)
    expect_no_leaks(
        ctx,
        {"the wrong password that was tried": WRONG_PASSWORD},
        "POST /users, then POST /auth/login with a wrong password",
    )
    warnings = [record for record in ctx.logs if record.levelno >= logging.WARNING]
    expect(
        bool(warnings),
        expected="a WARNING (or higher) record of the failed login: failures stay visible",
        got=f"{len(ctx.logs)} records, none at WARNING or above",
        response=refused,
    )


@check("27.1")
async def secrets_in_settings_are_not_logged(ctx: Check) -> None:
    """The mail provider's API key (APP_MAILER_API_KEY) is in no log record, start-up included."""
    prepare(ctx)
    async with ctx.client() as client:
        await sign_up(client, ADA)
    expect_no_leaks(
        ctx, {"the APP_MAILER_API_KEY value": MAILER_KEY}, "start-up and POST /users"
    )


DATABASE_PASSWORD = "pg-Secret-8f3e1d"
DATABASE_URL_WITH_PASSWORD = f"postgresql+asyncpg://tracker:{DATABASE_PASSWORD}@db.invalid/app"


@check("27.1")
async def settings_print_their_secrets_masked(ctx: Check) -> None:
    """Settings() from app/core/config.py never shows the API key or the database password."""
    ctx.setenv("APP_MAILER_API_KEY", MAILER_KEY)
    ctx.setenv("APP_DATABASE_URL", DATABASE_URL_WITH_PASSWORD)
    settings_class = ctx.attribute("app.core.config", "Settings", required_by="27.1")
    settings = settings_class()
    shown = {"repr(settings)": repr(settings), "str(settings)": str(settings)}
    if hasattr(settings, "model_dump"):
        shown["settings.model_dump()"] = repr(settings.model_dump())
        shown["settings.model_dump(mode='json')"] = repr(settings.model_dump(mode="json"))
    secrets = {
        "the APP_MAILER_API_KEY value": MAILER_KEY,
        "the database password": DATABASE_PASSWORD,
    }
    found = [
        f"{what} in {how}"
        for how, text in shown.items()
        for what, value in secrets.items()
        if value in text
    ]
    expect(
        not found,
        expected="the mailer API key and the database URL as SecretStr: printed, dumped or "
        "logged, they show as '**********' (the checks set APP_MAILER_API_KEY and "
        "APP_DATABASE_URL=postgresql+asyncpg://tracker:<password>@db.invalid/app)",
        got="; ".join(found),
        note="Leaving a plain str out of today's log lines is not enough: the next "
        "`logger.info(\"settings: %s\", settings)`, or a traceback's locals in an error "
        "tracker, prints it. SecretStr makes every printing safe.",
    )


# --- 27.2 personal data masked --------------------------------------------------------------


@check("27.2")
async def logs_hold_no_full_email_or_name(ctx: Check) -> None:
    """Sign-up, login, a failed login and a duplicate sign-up log no e-mail or name in full."""
    prepare(ctx)
    async with ctx.client() as client:
        await sign_up(client, ADA)
        token = await log_in(client, ADA)
        await client.get("/users/me", headers=bearer(token))
        await failed_login(client, ADA)
        duplicate = await client.post("/users", json=ADA)
    expect_status(duplicate, 409, because="the e-mail is taken")
    expect_no_leaks(
        ctx,
        personal_data(ADA),
        "sign-up, login, GET /users/me, a failed login and a duplicate sign-up (409)",
    )


@check("27.2")
async def a_server_error_logs_no_personal_data(ctx: Check) -> None:
    """The 500 of POST /users/me/export is logged with its traceback, and no personal data."""
    prepare(ctx)
    async with ctx.client() as client:
        await sign_up(client, ADA)
        token = await log_in(client, ADA)
        failed = await client.post("/users/me/export", headers=bearer(token))
    expect_status(failed, 500, because="the export storage is unreachable")
    errors = [record for record in ctx.logs if record.levelno >= logging.ERROR and record.exc_info]
    expect(
        bool(errors),
        expected="an ERROR record with the traceback: a 500 must stay debuggable",
        got=f"{len(ctx.logs)} records, none at ERROR with exc_info",
    )
    expect_no_leaks(
        ctx,
        {**personal_data(ADA), "the access token": token},
        "sign-up, login and POST /users/me/export (a 500)",
    )


# --- 27.3 erasure -----------------------------------------------------------------------------


async def every_row(database_url: str) -> list[tuple[str, tuple[Any, ...]]]:
    """(table, row) for every row of every table in the app's database."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_every_row)
    finally:
        await engine.dispose()


def _read_every_row(connection: Any) -> list[tuple[str, tuple[Any, ...]]]:
    metadata = MetaData()
    metadata.reflect(connection)
    return [
        (table.name, tuple(row))
        for table in metadata.sorted_tables
        for row in connection.execute(select(table)).all()
    ]


async def rows_referencing(
    database_url: str, tables: set[str], key: object
) -> list[tuple[str, tuple[Any, ...]]]:
    """(table, row) of the rows whose foreign key to one of `tables` holds `key`."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_referencing, tables, key)
    finally:
        await engine.dispose()


def _read_referencing(
    connection: Any, tables: set[str], key: object
) -> list[tuple[str, tuple[Any, ...]]]:
    metadata = MetaData()
    metadata.reflect(connection)
    found = []
    for table in metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name not in tables:
                continue
            rows = connection.execute(select(table).where(foreign_key.parent == key)).all()
            found += [(table.name, tuple(row)) for row in rows]
    return found


def shown(cell: object) -> str:
    """A cell as a report shows it: password hashes and timestamps elided (they vary)."""
    if isinstance(cell, str) and cell.startswith("$") and len(cell) >= 40:
        return "'<a password hash>'"
    if isinstance(cell, str) and re.fullmatch(r"[\w-]{32,}", cell):
        return "'<a token or its digest>'"
    return repr(cell) if isinstance(cell, str | int) else "…"


def rows_holding(rows: list[tuple[str, tuple[Any, ...]]], value: str) -> list[str]:
    """The rows with `value` in a cell."""
    return [
        f"{table}: ({', '.join(shown(cell) for cell in row)})"
        for table, row in rows
        if any(value.lower() in str(cell).lower() for cell in row)
    ]


@check("27.3")
async def deleting_a_user_erases_their_personal_data(ctx: Check) -> None:
    """DELETE /users/me: no row of any table keeps the user's e-mail, name or password hash."""
    prepare(ctx)
    async with ctx.client() as client:
        await sign_up(client, ADA)
        await sign_up(client, GRACE)
        await failed_login(client, ADA)
        await failed_login(client, GRACE)
        grace_token = await log_in(client, GRACE)
        # Two sessions (two devices): deleting the account ends both.
        other_device = await log_in(client, ADA)
        token = await log_in(client, ADA)
        me = await client.get("/users/me", headers=bearer(token))
        expect_status(me, 200, because="the user is logged in")
        ada_id = json_body(me).get("id")
        before = await every_row(ctx.database_url)
        # Every COMMIT any engine of the process sends while the deletion runs.
        commits: list[str] = []

        def count_commit(connection: Connection) -> None:
            commits.append("COMMIT")

        event.listen(Engine, "commit", count_commit)
        try:
            deleted = await client.delete("/users/me", headers=bearer(token))
        finally:
            event.remove(Engine, "commit", count_commit)
        # Read before trying to log in again: a new failed attempt is new data.
        after = await every_row(ctx.database_url)
        user_tables = {table for table, row in before if ADA["email"] in map(str, row)}
        referencing = (
            await rows_referencing(ctx.database_url, user_tables, ada_id)
            if ada_id is not None
            else []
        )
        after_token = await client.get("/users/me", headers=bearer(token))
        after_other_device = await client.get("/users/me", headers=bearer(other_device))
        grace_after = await client.get("/users/me", headers=bearer(grace_token))
        after_login = await client.post(
            "/auth/login", json={"email": ADA["email"], "password": ADA["password"]}
        )
    expect_status(deleted, 204, 200, because="the user may delete their account")
    expect_status(after_token, 401, because="the deleted user's token no longer works")
    expect_status(
        after_other_device, 401, because="the deleted user's other token no longer works"
    )
    expect_status(after_login, 401, because="the deleted user can no longer log in")
    # The password hash: the long values of the rows that held Ada's e-mail before.
    hashes = {
        str(cell)
        for _, row in before
        if any(ADA["email"] in str(cell) for cell in row)
        for cell in row
        if isinstance(cell, str) and cell.startswith("$") and len(cell) >= 40
    }
    remaining = {
        what: rows_holding(after, value) for what, value in personal_data(ADA).items()
    } | {"the password hash": [row for value in hashes for row in rows_holding(after, value)]}
    remaining = {what: rows for what, rows in remaining.items() if rows}
    expect(
        not remaining,
        expected="after DELETE /users/me (answered "
        f"{deleted.status_code}), no row in any table holding the deleted user's e-mail, "
        "name or password hash (users, login attempts, tokens: every copy)",
        got="\n".join(f"{what} in {rows[0]}" for what, rows in remaining.items()),
    )
    expect(
        not referencing,
        expected=f"no row left that refers to the deleted user (id {ada_id}): every token "
        "of theirs deleted, not only the one used for DELETE /users/me",
        got="\n".join(
            f"{table}: ({', '.join(shown(cell) for cell in row)})"
            for table, row in referencing[:3]
        ),
    )
    expect(
        len(commits) == 1,
        expected="DELETE /users/me erasing everything in one transaction: one COMMIT",
        got=f"{len(commits)} COMMITs: a failure between them leaves the user half-erased "
        "(tokens gone, personal data kept), and nobody retries it",
    )
    grace_before = sorted(rows_holding(before, GRACE["email"]))
    grace_rows = sorted(rows_holding(after, GRACE["email"]))
    expect(
        grace_rows == grace_before,
        expected="the other user's rows untouched (their account and login attempts): "
        + "; ".join(grace_before),
        got="; ".join(grace_rows) or "no row holds the other user's e-mail any more",
    )
    expect_status(
        grace_after, 200, because="the other user's token still works: their session stays"
    )
