"""Checks for lesson 21: passwords are stored as salted, slow, upgradable hashes.

What is stored is read back from the database itself (every table, every column, so any
layout is graded), the hash is parsed as a PHC/modular-crypt string (Argon2id or bcrypt), and
verification is watched at the library's own entry points (argon2-cffi's `PasswordHasher`
and `verify_secret`, bcrypt's `checkpw`): a login that never calls one of them compared the
hash some other way. The hashing cost is lowered through the settings the README names, so
grading stays fast; one check runs with the production defaults.
"""

import asyncio
import base64
import contextlib
import json
import logging
import re
import threading
import traceback
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import argon2
import argon2.low_level
import bcrypt
import httpx
from sqlalchemy import MetaData, String, select
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.harness import ASGIApp, Blocked, Check, check, expect, expect_status
from workbook.loader import forget_app_modules, import_learner_module, learner_attribute

# The cost the checks configure: cheap enough for fast grading, distinct from any default.
GRADING_COST = {
    "APP_ARGON2_TIME_COST": "2",
    "APP_ARGON2_MEMORY_COST": "4096",
    "APP_ARGON2_PARALLELISM": "1",
    "APP_BCRYPT_ROUNDS": "5",
}
# Weaker than GRADING_COST: a hash made with it must be upgraded at the next login.
WEAKER_COST = {**GRADING_COST, "APP_ARGON2_TIME_COST": "1", "APP_BCRYPT_ROUNDS": "4"}
# OWASP's floor for Argon2id (memory KiB x passes, and a memory minimum) and bcrypt.
MIN_ARGON2_MEMORY_TIME = 19456 * 2
MIN_ARGON2_MEMORY = 7168
MIN_BCRYPT_ROUNDS = 10

# Passwords nobody would special-case: non-ASCII, punctuation, distinct per check.
PASSWORD = "Tr0mbone-Ästhetik-💡-42"
OTHER_PASSWORD = "Lantern_Quokka_9~ñ"
ARGON2 = re.compile(
    r"^\$(?P<variant>argon2(?:id|i|d))\$v=\d+\$m=(?P<m>\d+),t=(?P<t>\d+),p=(?P<p>\d+)"
    r"\$(?P<salt>[A-Za-z0-9+/]+)\$(?P<digest>[A-Za-z0-9+/]+)$"
)
BCRYPT = re.compile(r"^\$(?P<prefix>2[aby])\$(?P<rounds>\d\d)\$(?P<salt>[./A-Za-z0-9]{22})"
                    r"(?P<digest>[./A-Za-z0-9]{31})$")


@dataclass(frozen=True)
class StoredHash:
    text: str
    algorithm: str  # "argon2id", "argon2i", "argon2d" or "bcrypt"
    salt: str
    cost: dict[str, int]

    def describe(self) -> str:
        """Algorithm and cost: the salt and digest are random, so they are not shown."""
        cost = ", ".join(f"{name}={value}" for name, value in self.cost.items())
        return f"{self.algorithm} hash ({cost})"


def parse_hash(text: str) -> StoredHash | None:
    if match := ARGON2.match(text):
        cost = {"m": int(match["m"]), "t": int(match["t"]), "p": int(match["p"])}
        return StoredHash(text, match["variant"], match["salt"], cost)
    if match := BCRYPT.match(text):
        return StoredHash(text, "bcrypt", match["salt"], {"rounds": int(match["rounds"])})
    return None


def expected_cost(hashed: StoredHash, env: dict[str, str]) -> dict[str, int]:
    if hashed.algorithm == "bcrypt":
        return {"rounds": int(env["APP_BCRYPT_ROUNDS"])}
    return {
        "m": int(env["APP_ARGON2_MEMORY_COST"]),
        "t": int(env["APP_ARGON2_TIME_COST"]),
        "p": int(env["APP_ARGON2_PARALLELISM"]),
    }


# ---------------------------------------------------------------- the database, read directly


async def stored_rows(database_url: str) -> list[tuple[str, dict[str, object]]]:
    """Every row of every table, as (table, {column: value})."""
    engine = create_async_engine(database_url)
    rows: list[tuple[str, dict[str, object]]] = []
    try:
        async with engine.connect() as connection:
            metadata = MetaData()
            await connection.run_sync(metadata.reflect)
            for table in metadata.sorted_tables:
                result = await connection.execute(select(table))
                rows += [(table.name, dict(row._mapping)) for row in result]
    finally:
        await engine.dispose()
    return rows


async def hash_of(ctx: Check, username: str, *, required_by: str = "") -> StoredHash:
    """The password hash stored in the row that holds `username`."""
    for table, row in await stored_rows(ctx.database_url):
        if username not in row.values():
            continue
        for value in row.values():
            if isinstance(value, str) and (parsed := parse_hash(value)):
                return parsed
        stored = {column: value for column, value in row.items() if column != "id"}
        reason = (f"the row of {username!r} in `{table}` holds no Argon2 or bcrypt hash: "
                  f"{stored}")
        if required_by:
            raise Blocked(required_by, reason)
        expect(False, expected="an Argon2id or bcrypt hash in the user's row",
               got=f"table `{table}`: {stored}")
    raise Blocked(required_by or "21.1", f"no row of the database holds the username {username!r}")


# ---------------------------------------------------------------- the app, with its settings


def set_cost(ctx: Check, env: dict[str, str] | None) -> None:
    """Configure the hashing cost, or (None) leave every cost setting at its default."""
    for name in GRADING_COST:
        ctx.setenv(name, None if env is None else env[name])


def fresh_app(ctx: Check) -> ASGIApp:
    """The app imported again, so that settings read at import or cached are read anew."""
    forget_app_modules()
    module = import_learner_module(ctx.root, "app.main")
    app = learner_attribute(ctx.root, module, "app")
    assert callable(app)
    return app


async def sign_up(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    response = await client.post("/users", json={"username": username, "password": password})
    expect_status(response, 201, because="a valid sign-up creates the user")
    return response


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"username": username, "password": password})


# ---------------------------------------------------------------- the library, watched


@dataclass
class VerifyCalls:
    hashes: list[str]


@contextlib.contextmanager
def watched_verification() -> Iterator[VerifyCalls]:
    """Record every hash handed to argon2-cffi's or bcrypt's verification functions."""
    calls = VerifyCalls([])
    original_verify = argon2.PasswordHasher.verify
    original_secret = argon2.low_level.verify_secret
    original_checkpw = bcrypt.checkpw

    def verify(self: argon2.PasswordHasher, hash: Any, password: Any) -> Any:
        calls.hashes.append(as_text(hash))
        return original_verify(self, hash, password)

    def verify_secret(hash: Any, secret: Any, type: Any) -> Any:
        calls.hashes.append(as_text(hash))
        return original_secret(hash, secret, type)

    def checkpw(password: Any, hashed_password: Any) -> Any:
        calls.hashes.append(as_text(hashed_password))
        return original_checkpw(password, hashed_password)

    argon2.PasswordHasher.verify = verify  # type: ignore[method-assign]
    argon2.low_level.verify_secret = verify_secret
    bcrypt.checkpw = checkpw
    try:
        yield calls
    finally:
        argon2.PasswordHasher.verify = original_verify  # type: ignore[method-assign]
        argon2.low_level.verify_secret = original_secret
        bcrypt.checkpw = original_checkpw


HOLD_SECONDS = 5.0  # how long a held verification waits for the check to release it


@dataclass
class HeldVerification:
    entered: threading.Event  # a verification began
    finished: threading.Event  # it stopped waiting (released, or HOLD_SECONDS passed)
    released: threading.Event  # set by the check
    threads: list[int]  # the threads the verifications ran in


@contextlib.contextmanager
def held_verification() -> Iterator[HeldVerification]:
    """The library's verify functions, each held until the check releases it: a slow hash."""
    held = HeldVerification(threading.Event(), threading.Event(), threading.Event(), [])
    original_verify = argon2.PasswordHasher.verify
    original_secret = argon2.low_level.verify_secret
    original_checkpw = bcrypt.checkpw

    def hold() -> None:
        held.threads.append(threading.get_ident())
        held.entered.set()
        held.released.wait(HOLD_SECONDS)
        held.finished.set()

    def verify(self: argon2.PasswordHasher, hash: Any, password: Any) -> Any:
        hold()
        return original_verify(self, hash, password)

    def verify_secret(hash: Any, secret: Any, type: Any) -> Any:
        hold()
        return original_secret(hash, secret, type)

    def checkpw(password: Any, hashed_password: Any) -> Any:
        hold()
        return original_checkpw(password, hashed_password)

    argon2.PasswordHasher.verify = verify  # type: ignore[method-assign]
    argon2.low_level.verify_secret = verify_secret
    bcrypt.checkpw = checkpw
    try:
        yield held
    finally:
        held.released.set()
        argon2.PasswordHasher.verify = original_verify  # type: ignore[method-assign]
        argon2.low_level.verify_secret = original_secret
        bcrypt.checkpw = original_checkpw


DRIVER_LOGGERS = frozenset({"aiosqlite", "asyncpg", "sqlalchemy"})


def as_text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def spellings(password: str) -> set[str]:
    """The password as logs and bodies may spell it: raw, JSON-escaped, bytes repr, URL-encoded."""
    return {
        password,
        json.dumps(password)[1:-1],
        repr(password.encode())[2:-1],
        urllib.parse.quote(password),
        urllib.parse.quote_plus(password),
    }


def leaks(text: str, *passwords: str) -> list[str]:
    return [
        password
        for password in passwords
        if any(spelling in text for spelling in spellings(password))
    ]


PART = 6  # characters of a password that, found in a column, give too much of it away


def encodings(password: str) -> dict[str, str]:
    """Reversible spellings of a password, by name: what "not the plain password" still is."""
    raw = password.encode()
    return {
        "the password": password,
        "reversed": password[::-1],
        "base64": base64.b64encode(raw).decode(),
        "base64 (no padding)": base64.b64encode(raw).decode().rstrip("="),
        "base64url": base64.urlsafe_b64encode(raw).decode().rstrip("="),
        "hex": raw.hex(),
        "HEX": raw.hex().upper(),
    }


def stored_traces(text: str, *passwords: str) -> list[str]:
    """How a stored value holds a password: whole, encoded, in part (a run of PART characters
    anywhere, or a whole value that is its start or end)."""
    found = []
    for password in passwords:
        found += [f"{name} of {password!r}" for name, spelling in encodings(password).items()
                  if spelling in text]
        shortest = 3  # a whole value that is the password's start or end: a "hint"
        found += [f"the first {len(text)} characters of {password!r}" for size in
                  range(shortest, len(password)) if text == password[:size]]
        found += [f"the last {len(text)} characters of {password!r}" for size in
                  range(shortest, len(password)) if text == password[-size:]]
        for forwards in (password, password[::-1]):
            parts = {forwards[i:i + PART] for i in range(len(forwards) - PART + 1)}
            found += [f"{part!r}, part of {password!r}" for part in sorted(parts) if part in text]
    return found


# ---------------------------------------------------------------- 21.1


@check("21.1")
async def the_same_password_gives_different_salted_hashes(ctx: Check) -> None:
    """Two users with one password: the database holds two Argon2id/bcrypt hashes, salts differ."""
    set_cost(ctx, GRADING_COST)
    async with ctx.client() as client:
        await sign_up(client, "ada", PASSWORD)
        response = await sign_up(client, "grace", PASSWORD)
    first, second = await hash_of(ctx, "ada"), await hash_of(ctx, "grace")
    for hashed in (first, second):
        expect(
            hashed.algorithm in ("argon2id", "bcrypt"),
            expected="an Argon2id or bcrypt hash (Argon2i and Argon2d are not for passwords)",
            got=hashed.describe(),
            response=response,
        )
    expect(
        first.text != second.text and first.salt != second.salt,
        expected="two different hashes with two different random salts for one password: "
        "a salt per hash makes precomputed tables and 'same hash, same password' useless",
        got=f"one hash for both users: {first.text}"
        if first.text == second.text
        else f"one salt for both users: {first.salt}",
        response=response,
    )


@check("21.1")
async def the_hash_uses_the_configured_cost(ctx: Check) -> None:
    """With the cost settings lowered, the stored hash carries exactly that cost."""
    set_cost(ctx, GRADING_COST)
    async with ctx.client() as client:
        response = await sign_up(client, "ada", PASSWORD)
    hashed = await hash_of(ctx, "ada")
    wanted = expected_cost(hashed, GRADING_COST)
    settings = ", ".join(f"{name}={value}" for name, value in GRADING_COST.items())
    expect(
        hashed.cost == wanted,
        expected=f"the {hashed.algorithm} hash made at the configured cost {wanted} ({settings})",
        got=hashed.describe(),
        response=response,
        note="build the hasher from the settings (in the lifespan), not with fixed or "
        "library-default parameters",
    )


@check("21.1")
async def the_production_default_cost_is_real(ctx: Check) -> None:
    """With no cost setting in the environment, the hash meets OWASP's minimum cost."""
    set_cost(ctx, None)
    async with ctx.client() as client:
        response = await sign_up(client, "ada", PASSWORD)
    hashed = await hash_of(ctx, "ada")
    if hashed.algorithm == "bcrypt":
        is_strong = hashed.cost["rounds"] >= MIN_BCRYPT_ROUNDS
        floor = f"bcrypt with at least {MIN_BCRYPT_ROUNDS} rounds"
    else:
        memory, passes = hashed.cost["m"], hashed.cost["t"]
        is_strong = memory >= MIN_ARGON2_MEMORY and memory * passes >= MIN_ARGON2_MEMORY_TIME
        floor = "Argon2id with memory x passes of at least 19 MiB x 2 (e.g. m=19456,t=2)"
    expect(
        hashed.algorithm in ("argon2id", "bcrypt") and is_strong,
        expected=f"the settings' defaults to be a production cost: {floor}",
        got=hashed.describe(),
        response=response,
        note="lower the cost in tests through the environment, never in the defaults",
    )


# ---------------------------------------------------------------- 21.2


@check("21.2", baseline=True)
async def the_right_password_logs_in_and_a_wrong_one_is_refused(ctx: Check) -> None:
    """Login with the sign-up password answers 200; a wrong password answers 401."""
    set_cost(ctx, GRADING_COST)
    async with ctx.client() as client:
        await sign_up(client, "ada", PASSWORD)
        right = await log_in(client, "ada", PASSWORD)
        wrong = await log_in(client, "ada", OTHER_PASSWORD)
        nearly = await log_in(client, "ada", PASSWORD[:-1])
    expect_status(right, 200, because="the password given at sign-up logs in")
    expect_status(wrong, 401, because="a wrong password is refused")
    expect_status(nearly, 401, because="a password missing its last character is refused")


@check("21.2")
async def login_verifies_the_stored_hash_through_the_library(ctx: Check) -> None:
    """A login hands the stored hash to the hashing library's verify function, never `==`."""
    set_cost(ctx, GRADING_COST)
    async with ctx.client() as client:
        await sign_up(client, "ada", PASSWORD)
        with watched_verification() as calls:
            response = await log_in(client, "ada", PASSWORD)
    stored = await hash_of(ctx, "ada", required_by="21.1")
    expect_status(response, 200, because="the password given at sign-up logs in")
    expect(
        bool(calls.hashes),
        expected="the login to call the library's verification (pwdlib's verify or "
        "verify_and_update, argon2's PasswordHasher.verify, bcrypt.checkpw) with the stored hash",
        got="no verification call: the password was compared some other way (a hash compared "
        "with ==, or hashed again with the stored salt), which is not constant-time",
        response=response,
    )
    expect(
        any(text in (stored.text, response.text) or parse_hash(text) for text in calls.hashes),
        expected="the stored hash to be what was verified",
        got=f"verified: {calls.hashes}",
        response=response,
    )


@check("21.2")
async def verification_leaves_the_event_loop_free(ctx: Check) -> None:
    """While a login's (slow) verification runs, another request is answered: a worker thread."""
    set_cost(ctx, GRADING_COST)
    loop_thread = threading.get_ident()
    async with ctx.client() as client:
        await sign_up(client, "ada", PASSWORD)
        with held_verification() as held:
            login = asyncio.create_task(log_in(client, "ada", PASSWORD))
            while not (held.entered.is_set() or login.done()):  # noqa: ASYNC110 - set by a thread
                await asyncio.sleep(0.01)
            other = await client.get("/openapi.json")
            was_answered_meanwhile = held.entered.is_set() and not held.finished.is_set()
            held.released.set()
            response = await login
    expect(held.entered.is_set(), expected="the login to call the library's verification",
           got="no verification call", response=response)
    expect(
        was_answered_meanwhile and loop_thread not in held.threads,
        expected="GET /openapi.json answered while the login's verification was still running "
        "(held by the check, as a slow hash is): verification in a worker thread",
        got=f"{other.status_code} only after the verification had finished: it ran on the "
        "event loop's own thread, and every other request waited for it",
        response=other,
        note="await run_in_threadpool(hasher.verify_and_update, ...): a real Argon2 "
        "verification takes tens of milliseconds, during which the event loop serves nobody",
    )
    expect_status(response, 200, because="the password given at sign-up logs in")


@check("21.2")
async def an_unknown_username_costs_a_verification_too(ctx: Check) -> None:
    """Unknown user and wrong password get the same 401, and both run a hash verification."""
    set_cost(ctx, GRADING_COST)
    async with ctx.client() as client:
        await sign_up(client, "ada", PASSWORD)
        wrong_password = await log_in(client, "ada", OTHER_PASSWORD)
        with watched_verification() as calls:
            unknown = await log_in(client, "nobody-by-this-name", OTHER_PASSWORD)
    expect(
        (unknown.status_code, unknown.content) == (wrong_password.status_code,
                                                   wrong_password.content),
        expected=f"the same answer as for a wrong password: {wrong_password.status_code} "
        f"{wrong_password.text}",
        got=unknown,
        response=unknown,
        note="a different answer tells an attacker which usernames exist",
    )
    expect(
        bool(calls.hashes),
        expected="a verification against a dummy hash for an unknown username, so that it takes "
        "as long as a wrong password",
        got="no verification: the quick answer tells an attacker which usernames exist",
        response=unknown,
    )


# ---------------------------------------------------------------- 21.3


@check("21.3")
async def a_weaker_hash_is_upgraded_at_the_next_login(ctx: Check) -> None:
    """A hash made with a lower cost is replaced by one at the current cost on a good login."""
    set_cost(ctx, WEAKER_COST)
    async with ctx.client(fresh_app(ctx)) as client:
        await sign_up(client, "ada", PASSWORD)
    weak = await hash_of(ctx, "ada", required_by="21.1")
    expect(weak.cost == expected_cost(weak, WEAKER_COST),
           expected=f"the first hash made at the weaker cost {expected_cost(weak, WEAKER_COST)}",
           got=weak.describe())
    set_cost(ctx, GRADING_COST)  # the service is redeployed with a higher cost
    async with ctx.client(fresh_app(ctx)) as client:
        refused = await log_in(client, "ada", OTHER_PASSWORD)
        after_refusal = await hash_of(ctx, "ada")
        response = await log_in(client, "ada", PASSWORD)
        upgraded = await hash_of(ctx, "ada")
        again = await log_in(client, "ada", PASSWORD)
    expect_status(refused, 401, because="a wrong password is refused")
    expect(after_refusal.text == weak.text,
           expected="a refused login to leave the stored hash alone",
           got=after_refusal.describe(), response=refused)
    expect_status(response, 200, because="the old hash still verifies")
    wanted = expected_cost(upgraded, GRADING_COST)
    expect(
        upgraded.text != weak.text and upgraded.cost == wanted,
        expected=f"after a successful login, a new hash at the current cost {wanted} stored "
        "in the database (verify_and_update gives it; save it)",
        got=f"still the old {upgraded.describe()}",
        response=response,
    )
    expect_status(again, 200, because="the upgraded hash verifies the same password")


@check("21.3")
async def a_current_hash_is_kept_at_login(ctx: Check) -> None:
    """A hash made at the current cost stays as it is after a login: no rehash, no write."""
    set_cost(ctx, GRADING_COST)
    async with ctx.client(fresh_app(ctx)) as client:
        await sign_up(client, "ada", PASSWORD)
        before = await hash_of(ctx, "ada", required_by="21.1")
        response = await log_in(client, "ada", PASSWORD)
        after = await hash_of(ctx, "ada")
    expect_status(response, 200, because="the password given at sign-up logs in")
    expect(
        after.text == before.text,
        expected="the stored hash unchanged: it was made with the current parameters, so "
        "verify_and_update returns no new hash and there is nothing to store",
        got=f"a new hash after the login ({after.describe()})",
        response=response,
        note="rehash only when the parameters changed: rehashing every login doubles the cost "
        "of each login and turns every read into a write",
    )


@check("21.3")
async def a_bcrypt_hash_is_moved_to_argon2_at_login(ctx: Check) -> None:
    """A bcrypt hash from before the move to Argon2id verifies, and is rehashed at login."""
    set_cost(ctx, GRADING_COST)
    async with ctx.client(fresh_app(ctx)) as client:
        await sign_up(client, "ada", PASSWORD)
        current = await hash_of(ctx, "ada", required_by="21.1")
        if current.algorithm == "bcrypt":
            return  # bcrypt is this app's current algorithm: nothing to move
        legacy = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
        await replace_value(ctx, current.text, legacy)
        response = await log_in(client, "ada", PASSWORD)
        moved = await hash_of(ctx, "ada")
    expect_status(response, 200, because="a bcrypt hash written before the move still verifies")
    expect(
        moved.algorithm == current.algorithm and moved.cost == current.cost,
        expected=f"the bcrypt hash replaced at login by a new {current.describe()}",
        got=moved.describe(),
        response=response,
    )


async def replace_value(ctx: Check, old: str, new: str) -> None:
    """Put a legacy hash where the app stored its own, whatever the table is called."""
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            metadata = MetaData()
            await connection.run_sync(metadata.reflect)
            for table in metadata.sorted_tables:
                for column in table.columns:
                    if isinstance(column.type, String):
                        statement = table.update().where(column == old).values({column.name: new})
                        await connection.execute(statement)
    finally:
        await engine.dispose()


# ---------------------------------------------------------------- 21.4


async def password_journey(client: httpx.AsyncClient) -> list[httpx.Response]:
    """Sign-up, a duplicate, a good and a bad login, and passwords validation refuses."""
    return [
        await client.post("/users", json={"username": "ada", "password": PASSWORD}),
        await client.post("/users", json={"username": "ada", "password": OTHER_PASSWORD}),
        await log_in(client, "ada", PASSWORD),
        await log_in(client, "ada", OTHER_PASSWORD),
        await client.post("/users", json={"username": "bob", "password": "short-" + "ñ"}),
        await client.post("/users", json={"username": "eve", "password": "x" * 129 + PASSWORD}),
    ]


@check("21.4")
async def no_plain_password_is_stored(ctx: Check) -> None:
    """No column of any table holds a password in plain text."""
    set_cost(ctx, GRADING_COST)
    async with ctx.client() as client:
        responses = await password_journey(client)
    found = [
        f"{table}.{column} = {value!r} ({how})"
        for table, row in await stored_rows(ctx.database_url)
        for column, value in row.items()
        if isinstance(value, str | bytes)
        for how in stored_traces(as_text(value), PASSWORD, OTHER_PASSWORD)[:1]
    ]
    expect(not found, expected="no plain password anywhere in the database, in no spelling: "
           "not reversed, encoded (base64, hex) or in part",
           got="\n".join(found), response=responses[0],
           note="an encoding is not a hash, nor is a part of it: whoever reads the column reads "
           "the password (or enough of it to guess the rest) back")


@check("21.4")
async def no_plain_password_is_logged(ctx: Check) -> None:
    """No log record, at any level, carries a password (messages, arguments, tracebacks)."""
    ctx.capture_logs_from(logging.DEBUG)
    set_cost(ctx, GRADING_COST)
    async with ctx.client() as client:
        responses = await password_journey(client)
    found = []
    for record in ctx.logs:
        if record.name.split(".")[0] in DRIVER_LOGGERS:
            continue  # they log stored values: a plain one there is the database check's
        text = record.getMessage() + repr(record.args)
        if record.exc_info:
            text += "".join(traceback.format_exception(*record.exc_info))
        if leaks(text, PASSWORD, OTHER_PASSWORD, "short-ñ"):
            found.append(f"{record.name} {record.levelname}: {record.getMessage()}")
    expect(not found, expected="no password in any log record", got="\n".join(found),
           response=responses[0])


@check("21.4")
async def no_plain_password_is_answered(ctx: Check) -> None:
    """No response, success or error (409, 401, 422), echoes a password back."""
    set_cost(ctx, GRADING_COST)
    async with ctx.client() as client:
        responses = await password_journey(client)
    for response in responses:
        text = response.text + str(response.headers)
        is_validation_error = response.status_code == 422
        expect(
            not leaks(text, PASSWORD, OTHER_PASSWORD, "short-ñ"),
            expected=f"a {response.status_code} answer that does not repeat the password",
            got=response,
            response=response,
            note="FastAPI's default 422 body repeats each refused value as `input`: drop it"
            if is_validation_error
            else "",
        )
