"""Checks for lesson 22: JWT access tokens and rotating refresh tokens, attacked for real.

Every forged token is made the way an attacker makes it: from a real token the app issued,
with raw base64url segments where a library would refuse (`alg: none`, a changed claim under
the original signature), or re-signed with PyJWT (another key; an algorithm outside the
allow-list; with the app's own key, as a leaked key or an insider would, for an expired
token). Tokens are random, so reports describe a token instead of printing it.
"""

import asyncio
import base64
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.harness import (
    Blocked,
    Check,
    StartupFailed,
    check,
    describe_response,
    expect,
    json_body,
)
from workbook.loader import LearnerCodeError

# 64 bytes or more: PyJWT warns about shorter keys for HS512, which one attack uses.
SECRET = "workbook-22-signing-key-for-the-checks-only-" + "0123456789abcdef" * 2
ATTACKER_KEY = "an-attacker-guessed-this-key-but-not-the-real-one-42"
PASSWORD = "Tr0mbone-Ästhetik-42"
GRADING = {
    "APP_JWT_SECRET_KEY": SECRET,
    "APP_ARGON2_TIME_COST": "1",
    "APP_ARGON2_MEMORY_COST": "1024",
    "APP_ARGON2_PARALLELISM": "1",
}
MAX_ACCESS_SECONDS = 15 * 60
CONCURRENT_REFRESHES = 5
NO_SUCH_USER = "987654"


def configure(ctx: Check) -> None:
    for name, value in GRADING.items():
        ctx.setenv(name, value)


# ---------------------------------------------------------------- tokens, as an attacker sees them


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def segments(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Header and payload of a token, read without verifying (an attacker can read them)."""
    try:
        header, payload, signature = token.split(".")
        return json.loads(unb64url(header)), json.loads(unb64url(payload)), signature
    except (ValueError, json.JSONDecodeError) as error:
        raise Blocked("22.1", f"the access token is not a JWT (header.payload.signature): "
                      f"{error}") from None


def raw_token(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    parts = (json.dumps(header, separators=(",", ":")), json.dumps(payload, separators=(",", ":")))
    return ".".join(b64url(part.encode()) for part in parts) + "." + signature


@dataclass(frozen=True)
class Session:
    """What a user holds after logging in."""

    user_id: str
    access_token: str
    refresh_token: str | None


async def sign_up_and_log_in(client: httpx.AsyncClient, username: str) -> Session:
    created = await client.post("/users", json={"username": username, "password": PASSWORD})
    expect(created.status_code == 201, expected="201 for a valid sign-up", got=created,
           response=created)
    response = await client.post(
        "/auth/token", data={"username": username, "password": PASSWORD}
    )
    expect(response.status_code == 200, expected="200 and a token pair from POST /auth/token "
           "(OAuth2 password flow, form fields username and password)",
           got=response, response=response)
    body = json_body(response)
    access = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(access, str):
        raise Blocked("22.1", "the token response has no `access_token`")
    refresh = body.get("refresh_token")
    _, payload, _ = segments(access)
    return Session(str(payload.get("sub")), access, refresh if isinstance(refresh, str) else None)


def refresh_token_of(session: Session) -> str:
    expect(
        session.refresh_token is not None,
        expected="a `refresh_token` beside the `access_token` in the login response",
        got="no refresh token: the client must log in again with the password every time the "
        "short-lived access token expires",
    )
    assert session.refresh_token is not None
    return session.refresh_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/users/me", headers=bearer(token))


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/auth/refresh", json={"refresh_token": token})


JWT = re.compile(r"eyJ[\w-]*\.[\w-]*\.[\w-]*")


def answered(response: httpx.Response) -> str:
    """What came back, with every JWT in it replaced by `<jwt>` (tokens differ on every run)."""
    request = f"{response.request.method} {response.request.url.path}"
    return f"{request} answered " + JWT.sub("<jwt>", describe_response(response))


def expect_works(response: httpx.Response, what: str) -> None:
    """A genuine token must keep working: a check passes no app that refuses everything."""
    expect(response.status_code == 200, expected=f"200 for {what}", got=answered(response))


def expect_refused(response: httpx.Response, attack: str) -> None:
    expect(
        response.status_code == 401,
        expected=f"401 for {attack}",
        got=answered(response),
        note=f"sent: {response.request.method} {response.request.url.path} with {attack}",
    )


# ---------------------------------------------------------------- the forgeries


def forged_unsigned(token: str, alg: str) -> str:
    header, payload, _ = segments(token)
    return raw_token({**header, "alg": alg}, payload, "")


def forged_with_key(token: str, key: str, **changes: Any) -> str:
    header, payload, _ = segments(token)
    return jwt.encode({**payload, **changes}, key, algorithm=header.get("alg", "HS256"))


def forged_claim(token: str, **changes: Any) -> str:
    header, payload, signature = segments(token)
    return raw_token(header, {**payload, **changes}, signature)


def forged_algorithm(token: str, alg: str) -> str:
    _, payload, _ = segments(token)
    return jwt.encode(payload, SECRET, algorithm=alg)


def expired(token: str) -> str:
    now = int(time.time())
    return forged_with_key(token, SECRET, iat=now - 3600, nbf=now - 3600, exp=now - 600)


def resigned(token: str, *, drop: tuple[str, ...] = (), **changes: Any) -> str:
    """The token with claims changed or removed, signed with the real key: what a bug in the
    issuer, or an insider, produces; only the claim checks can refuse it."""
    header, payload, _ = segments(token)
    claims = {name: value for name, value in {**payload, **changes}.items() if name not in drop}
    algorithm = str(header.get("alg", "HS256"))
    return jwt.encode(claims, SECRET, algorithm=algorithm if algorithm.startswith("HS")
                      else "HS256")


def other_algorithms(token: str) -> list[str]:
    header, _, _ = segments(token)
    return [alg for alg in ("HS256", "HS384", "HS512") if alg != header.get("alg")]


async def attacks(client: httpx.AsyncClient, ada: Session, grace: Session) -> dict[str, str]:
    """Every forged access token of ada's, by description."""
    token = ada.access_token
    forged = {f"an unsigned token (alg: {alg!r})": forged_unsigned(token, alg)
              for alg in ("none", "None", "NONE")}
    forged["a token signed with another key"] = forged_with_key(token, ATTACKER_KEY)
    forged["ada's token with `sub` changed to grace's id, original signature"] = forged_claim(
        token, sub=grace.user_id
    )
    forged["a token that expired 10 minutes ago"] = expired(token)
    for alg in other_algorithms(token):
        forged[f"a token signed with the right key but {alg}"] = forged_algorithm(token, alg)
    return forged


# ---------------------------------------------------------------- 22.1


@check("22.1", baseline=True)
async def a_logged_in_user_reads_their_profile(ctx: Check) -> None:
    """The access token from POST /auth/token opens GET /users/me."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        response = await me(client, ada.access_token)
    expect_works(response, "ada's own access token")
    expect(json_body(response).get("username") == "ada", expected="ada's profile",
           got=response.text)


async def attack(ctx: Check, which: str) -> None:
    """Log two users in, check ada's genuine token works, then send the forgeries named."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        grace = await sign_up_and_log_in(client, "grace")
        expect_works(await me(client, ada.access_token), "ada's genuine access token")
        for description, token in (await attacks(client, ada, grace)).items():
            if which in description:
                expect_refused(await me(client, token), description)


@check("22.1")
async def an_unsigned_token_is_refused(ctx: Check) -> None:
    """A token with `alg: none` (any spelling) and no signature gets 401."""
    await attack(ctx, "unsigned")


@check("22.1")
async def a_token_signed_with_another_key_is_refused(ctx: Check) -> None:
    """A well-formed token signed with a key other than the configured one gets 401."""
    await attack(ctx, "another key")


@check("22.1")
async def a_token_with_a_changed_claim_is_refused(ctx: Check) -> None:
    """A genuine token whose `sub` was edited, signature kept, gets 401."""
    await attack(ctx, "changed")


@check("22.1")
async def an_expired_token_is_refused(ctx: Check) -> None:
    """A correctly signed token whose `exp` has passed gets 401."""
    await attack(ctx, "expired")


@check("22.1")
async def an_algorithm_outside_the_allow_list_is_refused(ctx: Check) -> None:
    """A token signed with the right key but another algorithm than configured gets 401."""
    await attack(ctx, "but HS")


@check("22.1")
async def tokens_are_signed_with_the_configured_key_and_short_lived(ctx: Check) -> None:
    """The access token verifies with APP_JWT_SECRET_KEY (HS256) and lives 15 minutes at most."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
    try:
        claims = jwt.decode(ada.access_token, SECRET, algorithms=["HS256"],
                            options={"require": ["exp"]})
    except jwt.PyJWTError as error:
        header, _, _ = segments(ada.access_token)
        expect(False, expected="an access token signed (HS256) with the key in "
               "APP_JWT_SECRET_KEY, read from the settings", got=f"{error} (header: {header})")
        return
    lifetime = int(claims["exp"]) - int(time.time())
    expect(
        lifetime <= MAX_ACCESS_SECONDS + 5,
        expected=f"an access token that expires within {MAX_ACCESS_SECONDS // 60} minutes",
        got=f"it expires in {lifetime // 60} minutes",
        note="a stolen access token cannot be revoked: its lifetime is the damage window",
    )


@check("22.1")
async def the_service_refuses_to_start_without_a_signing_key(ctx: Check) -> None:
    """With APP_JWT_SECRET_KEY unset, the app does not start (no default key)."""
    configure(ctx)
    ctx.setenv("APP_JWT_SECRET_KEY", None)
    try:
        async with ctx.client() as client:
            response = await client.get("/openapi.json")
    except (StartupFailed, LearnerCodeError):
        return
    expect(False, expected="start-up (or import) to fail, naming APP_JWT_SECRET_KEY",
           got=f"the app started and served requests ({response.status_code}): it signs "
           "tokens with a key written in the code, which anyone with the source can forge")


@check("22.1")
async def a_short_signing_key_stops_start_up(ctx: Check) -> None:
    """APP_JWT_SECRET_KEY shorter than 32 characters makes the service refuse to start."""
    configure(ctx)
    for key in ("changeme", "k" * 31):
        ctx.setenv("APP_JWT_SECRET_KEY", key)
        try:
            async with ctx.client(ctx.fresh_app()) as client:
                response = await client.get("/openapi.json")
        except (StartupFailed, LearnerCodeError):
            continue
        expect(False, expected=f"start-up (or import) to fail with APP_JWT_SECRET_KEY of "
               f"{len(key)} characters: the settings require at least 32 for HS256",
               got=f"the app started and served requests ({response.status_code})",
               note="an HMAC key is as strong as it is long: a short one is guessed offline "
               "from any token the service issued, then every token can be forged")


# The claims an access token must carry, and each refused when it is missing.
REQUIRED_ACCESS_CLAIMS = ("sub", "exp", "iat", "jti", "type")
REFUSED_WITHOUT = ("exp", "sub", "type")


@check("22.1")
async def access_tokens_carry_the_required_claims(ctx: Check) -> None:
    """An access token carries sub (a string), exp, iat, a unique jti and type: access."""
    configure(ctx)
    async with ctx.client() as client:
        await sign_up_and_log_in(client, "ada")
        first = await sign_up_and_log_in(client, "grace")
        second = await sign_up_and_log_in(client, "hopper")
    payloads = [segments(session.access_token)[1] for session in (first, second)]
    for payload in payloads:
        missing = [claim for claim in REQUIRED_ACCESS_CLAIMS if claim not in payload]
        expect(
            not missing and isinstance(payload.get("sub"), str)
            and payload.get("type") == "access",
            expected=f"an access token with {', '.join(REQUIRED_ACCESS_CLAIMS)} "
            "(`sub` a string, `type` \"access\")",
            got=f"claims {sorted(payload)}" + (f", missing {missing}" if missing else "")
            + f", sub {payload.get('sub')!r}, type {payload.get('type')!r}",
        )
    expect(payloads[0]["jti"] != payloads[1]["jti"],
           expected="a unique jti in every access token", got="two tokens with the same jti")


@check("22.1")
async def a_token_without_a_required_claim_is_refused(ctx: Check) -> None:
    """A correctly signed token without exp, sub or type gets 401: the claims are required."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        expect_works(await me(client, ada.access_token), "ada's genuine access token")
        for claim in REFUSED_WITHOUT:
            response = await me(client, resigned(ada.access_token, drop=(claim,)))
            expect(
                response.status_code == 401,
                expected=f"401 for ada's token without `{claim}`, signed with the real key",
                got=answered(response),
                note="decode with options={\"require\": [...]}: a token without `exp` never "
                "expires, one without `type` passes for any type",
            )


# ---------------------------------------------------------------- 22.2


def challenge_of(response: httpx.Response) -> str:
    return str(response.headers.get("www-authenticate", ""))


def expect_challenge(response: httpx.Response, what: str) -> None:
    is_challenged = response.status_code == 401 and challenge_of(response).lower().startswith(
        "bearer"
    )
    expect(
        is_challenged,
        expected=f"401 with `WWW-Authenticate: Bearer` for {what}",
        got=f"{answered(response)}; WWW-Authenticate: {challenge_of(response) or '(none)'}",
        note="RFC 6750: a refused bearer token is a 401 that names the scheme to use; 400 "
        "and 403 mean other things to clients",
    )


@check("22.2")
async def every_refused_token_gets_a_bearer_challenge(ctx: Check) -> None:
    """Missing, malformed, forged and expired tokens: each refusal is 401 + WWW-Authenticate."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        grace = await sign_up_and_log_in(client, "grace")
        cases = {
            "no Authorization header": await client.get("/users/me"),
            "`Authorization: Bearer not-a-token`": await me(client, "not-a-token"),
            "`Authorization: Basic` credentials": await client.get(
                "/users/me", headers={"Authorization": "Basic YWRhOmFkYQ=="}
            ),
        }
        for description, token in (await attacks(client, ada, grace)).items():
            cases[description] = await me(client, token)
        cases["a correctly signed token for a user who does not exist (any more)"] = await me(
            client, resigned(ada.access_token, sub=NO_SUCH_USER)
        )
    for what, response in cases.items():
        if response.is_success:
            continue  # an accepted forgery is rule 22.1's failure, graded there
        expect_challenge(response, what)


@check("22.2")
async def a_failed_login_gets_a_bearer_challenge(ctx: Check) -> None:
    """A wrong password at POST /auth/token is 401 with WWW-Authenticate: Bearer (not 400)."""
    configure(ctx)
    async with ctx.client() as client:
        await sign_up_and_log_in(client, "ada")
        wrong = await client.post("/auth/token", data={"username": "ada", "password": "nope"})
    expect_challenge(wrong, "a wrong password")


def secured_get_operations(schema: dict[str, Any]) -> list[str]:
    """Paths of GET operations that declare a security requirement, parameters filled in."""
    default = schema.get("security", [])
    paths = []
    for path, operations in schema.get("paths", {}).items():
        operation = operations.get("get") if isinstance(operations, dict) else None
        if isinstance(operation, dict) and operation.get("security", default):
            filled = "/".join(
                "1" if part.startswith("{") else part for part in path.split("/")
            )
            paths.append(filled)
    return paths


@check("22.2", portable=True)
async def protected_operations_challenge_missing_and_garbage_tokens(ctx: Check) -> None:
    """Every GET that the OpenAPI document marks as secured answers 401 + Bearer challenge."""
    configure(ctx)  # this lesson's app needs its key; on another app these settings are unused
    async with ctx.client() as client:
        schema = json_body(await client.get("/openapi.json"))
        paths = secured_get_operations(schema)
        ctx.expect_present(
            bool(paths),
            expected="at least one GET operation with a `security` requirement in "
            "/openapi.json (OAuth2PasswordBearer or HTTPBearer declares it)",
            absent="no GET operation declares a security requirement in /openapi.json",
        )
        for path in paths:
            for headers, what in (
                ({}, "no credentials"),
                ({"Authorization": "Bearer not.a.token"}, "a garbage bearer token"),
            ):
                response = await client.get(path, headers=headers)
                expect_challenge(response, f"GET {path} with {what}")


# ---------------------------------------------------------------- 22.3


@check("22.3")
async def a_refresh_token_is_not_an_access_token(ctx: Check) -> None:
    """A refresh token at GET /users/me gets 401; an access token at /auth/refresh gets 401."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        refresh_token = refresh_token_of(ada)
        as_access = await me(client, refresh_token)
        as_refresh = await refresh(client, ada.access_token)
    expect_refused(as_access, "ada's refresh token presented as an access token")
    expect_refused(as_refresh, "ada's access token presented at POST /auth/refresh")


@check("22.3")
async def refresh_rotates_and_the_used_token_is_refused(ctx: Check) -> None:
    """POST /auth/refresh answers a new pair; the refresh token it used up gets 401 after."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        first = refresh_token_of(ada)
        rotated = await refresh(client, first)
        expect_works(rotated, "a fresh refresh token at POST /auth/refresh")
        pair = json_body(rotated)
        second = pair.get("refresh_token")
        expect(isinstance(second, str) and second != first,
               expected="a new refresh token in the refresh response (rotation)",
               got="the same refresh token again" if second == first else "no refresh_token")
        expect_works(await me(client, str(pair.get("access_token"))),
                     "the access token the refresh issued")
        replayed = await refresh(client, first)
    expect_refused(replayed, "a refresh token replayed after it was rotated")


@check("22.3")
async def a_replayed_refresh_token_revokes_its_family(ctx: Check) -> None:
    """After a used refresh token is replayed, the token issued in its place is refused too."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        first = refresh_token_of(ada)
        rotated = await refresh(client, first)
        expect_works(rotated, "a fresh refresh token at POST /auth/refresh")
        second = str(json_body(rotated).get("refresh_token"))
        replayed = await refresh(client, first)
        expect_refused(replayed, "a refresh token replayed after it was rotated")
        after = await refresh(client, second)
    expect_refused(after, "the newest refresh token of a family in which a replay was seen")


@check("22.3")
async def one_refresh_token_rotates_once_under_concurrency(ctx: Check) -> None:
    """Five concurrent refreshes with one token: exactly one gets a new pair."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        token = refresh_token_of(ada)
        # Warm the connection pool first, so that the refreshes below run side by side
        # instead of one finishing while the others still wait for a new connection.
        await asyncio.gather(*(me(client, ada.access_token) for _ in range(CONCURRENT_REFRESHES)))
        responses = await asyncio.gather(
            *(refresh(client, token) for _ in range(CONCURRENT_REFRESHES))
        )
    statuses = [response.status_code for response in responses]
    winners = statuses.count(200)
    others = sorted({status for status in statuses if status not in (200, 401)})
    if winners > 1:
        got = "more than one of them got a new pair: the token was used up more than once"
    elif others:
        got = f"answers other than 200 and 401: {others}"
    else:
        got = "none of them got a new pair" if winners == 0 else ""
    expect(
        not got,
        expected=f"one 200 and {CONCURRENT_REFRESHES - 1} 401s ({ctx.backend}): using a "
        "refresh token up is one atomic update, not a read then a write",
        got=got,
    )


@check("22.3")
async def a_refresh_token_with_an_unknown_jti_is_refused(ctx: Check) -> None:
    """A correctly signed refresh token whose jti the service never recorded gets 401."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        token = resigned(refresh_token_of(ada), jti="workbook-never-issued-0123456789abcdef")
        response = await refresh(client, token)
    expect_refused(response, "ada's refresh token re-signed with a jti the service never issued")


def token_traces(token: str) -> set[str]:
    """The token, and its signature alone (enough to re-assemble it from the claims)."""
    return {token, token.rsplit(".", 1)[-1]}


@check("22.3")
async def the_refresh_token_itself_is_not_stored(ctx: Check) -> None:
    """The database records refresh tokens by jti: no column holds a token or its signature."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await sign_up_and_log_in(client, "ada")
        first = refresh_token_of(ada)
        rotated = await refresh(client, first)
        expect_works(rotated, "a fresh refresh token at POST /auth/refresh")
        second = str(json_body(rotated).get("refresh_token"))
    traces = token_traces(first) | token_traces(second)
    found = [
        f"{table}.{column}"
        for table, row in await stored_rows(ctx.database_url)
        for column, value in row.items()
        if isinstance(value, str | bytes)
        and any(trace in (value.decode("utf-8", "replace") if isinstance(value, bytes)
                          else value) for trace in traces)
    ]
    expect(
        not found,
        expected="no refresh token (nor its signature) in any column: record its jti, user, "
        "family and expiry",
        got="a refresh token stored in " + ", ".join(sorted(set(found))),
        note="a copy of the database (a backup, a read replica, an injection) would hand out "
        "working refresh tokens",
    )


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
