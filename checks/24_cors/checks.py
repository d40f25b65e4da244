"""Checks for lesson 24: CORS allows listed origins, methods and headers, nothing more.

The checks send what a browser sends: preflights (`OPTIONS` with `Origin` and
`Access-Control-Request-Method`, and `Access-Control-Request-Headers`) and simple requests with
an `Origin` (and a `Cookie`, as a credentialed request carries), from the configured origin,
from unknown origins, from lookalikes of the configured one and from `null`. A browser lets a
page read the answer only when `Access-Control-Allow-Origin` names its origin (or is `*`,
which browsers refuse together with credentials), so that header is what is judged, whatever
middleware or regex produced it. Checks marked portable use only the OpenAPI document and
read-only requests, and run on any FastAPI app.
"""

import json
from typing import Any

import httpx

from workbook.harness import ASGIApp, Check, StartupFailed, check, expect, json_body
from workbook.loader import (
    LearnerCodeError,
    forget_app_modules,
    import_learner_module,
    learner_attribute,
)

ALLOWED = "https://app.example.com"
ALSO_ALLOWED = "http://localhost:5173"
UNKNOWN = "https://attacker.invalid"
LOOKALIKES = (
    "https://app.example.com.attacker.invalid",  # the allowed origin as a prefix
    "https://evilexample.com",  # a regex without the dot before the domain
    "https://appxexample.com",  # `.` in a regex matches any character
    "https://evil-app.example.com",  # a sibling subdomain
    "http://app.example.com",  # the allowed host over plain HTTP
    "https://app.example.com:8443",  # another port is another origin
)
USED_METHODS = frozenset({"GET", "POST", "PATCH", "DELETE"})
ALWAYS_ALLOWED_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})  # CORS-safelisted
# Request headers the API does not read: a page must not be allowed to send them. A forged
# X-Forwarded-For fools whatever trusts it for the client's address; X-Requested-With is what
# some CSRF defences take as proof that a request is not cross-site.
UNUSED_HEADERS = ("x-debug-impersonate", "x-forwarded-for", "x-requested-with")


def configure(ctx: Check) -> None:
    ctx.setenv("APP_CORS_ORIGINS", json.dumps([ALLOWED, ALSO_ALLOWED]))


async def preflight(
    client: httpx.AsyncClient,
    origin: str,
    method: str = "GET",
    headers: str | None = None,
    path: str = "/tasks",
) -> httpx.Response:
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        request_headers["Access-Control-Request-Headers"] = headers
    return await client.options(path, headers=request_headers)


async def credentialed_get(
    client: httpx.AsyncClient, origin: str, path: str = "/tasks"
) -> httpx.Response:
    return await client.get(path, headers={"Origin": origin, "Cookie": "session=abc123"})


def allow_origin(response: httpx.Response) -> str | None:
    value = response.headers.get("access-control-allow-origin")
    return None if value is None else str(value)


def cors_headers(response: httpx.Response) -> str:
    shown = {
        name: value for name, value in response.headers.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }
    # What a browser decides on first, so that a long answer is cut after it, not before.
    first = ("access-control-allow-origin", "access-control-allow-credentials",
             "access-control-allow-methods", "access-control-allow-headers")
    shown = dict(sorted(shown.items(), key=lambda item: (
        first.index(item[0].lower()) if item[0].lower() in first else len(first)
    )))
    return f"{response.status_code} with " + (
        ", ".join(f"{name}: {value}" for name, value in shown.items()) or "no CORS headers"
    )


def listed(header: str | None) -> set[str]:
    return {part.strip().upper() for part in (header or "").split(",") if part.strip()}


def readable_paths(schema: dict[str, Any]) -> list[str]:
    """GET paths without parameters in the OpenAPI document, the document itself first."""
    paths = ["/openapi.json"]
    for path, item in schema.get("paths", {}).items():
        if isinstance(item, dict) and "get" in item and "{" not in path:
            paths.append(path)
    return paths


def api_methods(schema: dict[str, Any]) -> set[str]:
    methods = set()
    for item in schema.get("paths", {}).values():
        if isinstance(item, dict):
            methods |= {method.upper() for method in item if method.upper() in METHOD_NAMES}
    return methods


METHOD_NAMES = frozenset({"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"})


# ---------------------------------------------------------------- 24.1


@check("24.1", baseline=True)
async def requests_without_an_origin_work(ctx: Check) -> None:
    """Same-origin and non-browser requests (no Origin header) are served as before."""
    configure(ctx)
    async with ctx.client() as client:
        created = await client.post("/tasks", json={"title": "design"})
        listed_tasks = await client.get("/tasks")
    expect(created.status_code == 201 and listed_tasks.status_code == 200,
           expected="201 and 200 without any Origin", got=listed_tasks, response=listed_tasks)


@check("24.1", baseline=True)
async def the_allowed_origin_is_echoed_with_credentials(ctx: Check) -> None:
    """A configured origin gets its own origin back, credentials allowed, and Vary: Origin."""
    configure(ctx)
    async with ctx.client() as client:
        for origin in (ALLOWED, ALSO_ALLOWED):
            before = await preflight(client, origin, "POST", "authorization,content-type")
            actual = await credentialed_get(client, origin)
            for response in (before, actual):
                expect(
                    allow_origin(response) == origin
                    and response.headers.get("access-control-allow-credentials") == "true"
                    and "origin" in response.headers.get("vary", "").lower(),
                    expected=f"Access-Control-Allow-Origin: {origin} (the origin itself, never "
                    "*), Access-Control-Allow-Credentials: true and Vary: Origin",
                    got=cors_headers(response),
                    response=response,
                )


@check("24.1", portable=True)
async def an_unknown_origin_is_not_allowed(ctx: Check) -> None:
    """An unknown origin gets no Access-Control-Allow-Origin, with or without cookies."""
    configure(ctx)  # this lesson's allowed origins; any other app ignores the setting
    async with ctx.client() as client:
        schema = json_body(await client.get("/openapi.json"))
        for path in readable_paths(schema):
            for response in (
                await preflight(client, UNKNOWN, "GET", path=path),
                await preflight(client, UNKNOWN, "GET", "authorization", path=path),
                await client.get(path, headers={"Origin": UNKNOWN}),
                await credentialed_get(client, UNKNOWN, path),
            ):
                expect(
                    allow_origin(response) is None,
                    expected=f"no Access-Control-Allow-Origin for {UNKNOWN}: a page there must "
                    "not read this API's answers",
                    got=cors_headers(response),
                    response=response,
                )


@check("24.1", portable=True)
async def no_origin_is_trusted_with_credentials_by_a_wildcard(ctx: Check) -> None:
    """No origin (unknown, `null`) gets `*` or itself back together with credentials."""
    configure(ctx)
    async with ctx.client() as client:
        schema = json_body(await client.get("/openapi.json"))
        for path in readable_paths(schema):
            for origin in (UNKNOWN, "null", "https://a.b"):
                for response in (
                    await preflight(client, origin, "GET", "authorization", path=path),
                    await credentialed_get(client, origin, path),
                ):
                    granted = allow_origin(response)
                    with_credentials = (
                        response.headers.get("access-control-allow-credentials") == "true"
                    )
                    expect(
                        not (with_credentials and granted in (origin, "*")),
                        expected=f"Origin: {origin} not allowed with credentials: `*` (or an "
                        "origin reflected, or a regex matching everything) with credentials "
                        "lets any site act as the logged-in user",
                        got=cors_headers(response),
                        response=response,
                    )


@check("24.1")
async def lookalike_origins_are_refused(ctx: Check) -> None:
    """Origins that merely resemble the configured one get no Access-Control-Allow-Origin."""
    configure(ctx)
    async with ctx.client() as client:
        for origin in LOOKALIKES:
            for response in (
                await preflight(client, origin, "POST", "content-type"),
                await credentialed_get(client, origin),
            ):
                expect(
                    allow_origin(response) is None,
                    expected=f"no Access-Control-Allow-Origin for {origin}: only {ALLOWED} "
                    "exactly is allowed (scheme, host and port)",
                    got=cors_headers(response),
                    response=response,
                )


@check("24.1")
async def without_the_setting_no_origin_is_allowed(ctx: Check) -> None:
    """APP_CORS_ORIGINS unset: the default is empty, so no origin at all is allowed."""
    ctx.setenv("APP_CORS_ORIGINS", None)
    async with ctx.client(ctx.fresh_app()) as client:
        for origin in (ALLOWED, ALSO_ALLOWED, "http://localhost:3000", "http://localhost:8000",
                       UNKNOWN):
            for response in (
                await preflight(client, origin, "POST", "content-type"),
                await credentialed_get(client, origin),
            ):
                expect(
                    allow_origin(response) is None,
                    expected=f"no Access-Control-Allow-Origin for {origin} when APP_CORS_ORIGINS "
                    "is not set: the default is an empty list, no cross-origin access",
                    got=cors_headers(response),
                    response=response,
                    note="a missing setting must fail closed: not `*`, and not development "
                    "origins that would ship to production with the default",
                )


# Origins unlike the ones the other checks configure: the list must come from the setting.
OTHER_ORIGINS = ("https://tasks.example.org", "http://board.example.net")


@check("24.1")
async def the_allowed_origins_come_from_the_setting(ctx: Check) -> None:
    """Other origins in APP_CORS_ORIGINS are allowed instead, and only they."""
    ctx.setenv("APP_CORS_ORIGINS", json.dumps(list(OTHER_ORIGINS)))
    async with ctx.client(ctx.fresh_app()) as client:
        for origin in OTHER_ORIGINS:
            response = await preflight(client, origin, "POST", "content-type")
            expect(
                allow_origin(response) == origin
                and response.headers.get("access-control-allow-credentials") == "true",
                expected=f"Access-Control-Allow-Origin: {origin} with credentials, since "
                f"APP_CORS_ORIGINS={json.dumps(list(OTHER_ORIGINS))}",
                got=cors_headers(response),
                response=response,
                note="the allowed origins are the setting's value, read when the app is built",
            )
        for origin in (ALLOWED, ALSO_ALLOWED):
            for response in (
                await preflight(client, origin, "POST", "content-type"),
                await credentialed_get(client, origin),
            ):
                expect(
                    allow_origin(response) is None,
                    expected=f"no Access-Control-Allow-Origin for {origin}: it is not in "
                    f"APP_CORS_ORIGINS={json.dumps(list(OTHER_ORIGINS))}",
                    got=cors_headers(response),
                    response=response,
                    note="the allowed origins are the setting's value, not a list in the code",
                )


# Not exact origins: a wildcard, a pattern, a path, a trailing slash, no scheme, `null`.
NOT_ORIGINS = (
    ["*"],
    [ALLOWED, "*"],
    ["https://*.example.com"],
    [ALLOWED + "/"],
    [ALLOWED + "/app"],
    ["https://app\\.example\\.com"],
    ["https://.*\\.example\\.com"],
    ["app.example.com"],
    ["null"],
)


@check("24.1")
async def a_wildcard_origin_in_the_settings_stops_start_up(ctx: Check) -> None:
    """APP_CORS_ORIGINS with anything but exact origins (`*`, pattern, path, `/`) stops start-up."""
    for origins in NOT_ORIGINS:
        ctx.setenv("APP_CORS_ORIGINS", json.dumps(origins))
        try:
            async with ctx.client(fresh_app(ctx)) as client:
                response = await credentialed_get(client, UNKNOWN)
        except (StartupFailed, LearnerCodeError):
            continue
        expect(
            False,
            expected=f"start-up (or import) to fail with APP_CORS_ORIGINS={json.dumps(origins)}",
            got=f"the app started and served: {cors_headers(response)}",
            note="the origins come from APP_CORS_ORIGINS, and a value that is not a list of "
            "exact origins is a configuration error, refused before serving anything",
        )


def fresh_app(ctx: Check) -> ASGIApp:
    """The app imported anew, so that settings read when it is built are read again."""
    forget_app_modules()
    app = learner_attribute(ctx.root, import_learner_module(ctx.root, "app.main"), "app")
    if not callable(app):
        raise LearnerCodeError(f"app.main.app is not an ASGI app: {app!r}")
    return app


# ---------------------------------------------------------------- 24.2


@check("24.2", baseline=True)
async def a_preflight_for_what_the_api_uses_succeeds(ctx: Check) -> None:
    """A preflight for each method the routes have, with Authorization, Content-Type, works."""
    configure(ctx)
    async with ctx.client() as client:
        used = api_methods(json_body(await client.get("/openapi.json"))) - {"HEAD", "OPTIONS"}
        for method in sorted(used | {"DELETE", "PATCH"}):
            response = await preflight(client, ALLOWED, method, "authorization,content-type",
                                       path="/tasks/1")
            allowed_headers = listed(response.headers.get("access-control-allow-headers"))
            expect(
                response.is_success and method in listed(
                    response.headers.get("access-control-allow-methods")
                ) and (
                    {"AUTHORIZATION", "CONTENT-TYPE"} <= allowed_headers
                    or "*" in allowed_headers
                ),
                expected=f"2xx with {method} in Access-Control-Allow-Methods and Authorization, "
                "Content-Type in Access-Control-Allow-Headers: the API has "
                f"{', '.join(sorted(used))} routes, and a browser page cannot call one whose "
                "method the preflight refuses",
                got=cors_headers(response),
                response=response,
            )


@check("24.2")
async def only_the_methods_the_api_uses_are_allowed(ctx: Check) -> None:
    """The preflight allows only methods the OpenAPI document uses; PUT and TRACE are refused."""
    configure(ctx)
    async with ctx.client() as client:
        used = api_methods(json_body(await client.get("/openapi.json"))) | ALWAYS_ALLOWED_METHODS
        response = await preflight(client, ALLOWED, "PATCH", "content-type", path="/tasks/1")
        allowed = listed(response.headers.get("access-control-allow-methods"))
        expect(
            bool(allowed) and allowed <= used,
            expected=f"Access-Control-Allow-Methods within the methods the API has: "
            f"{', '.join(sorted(used))}",
            got=cors_headers(response),
            response=response,
        )
        for method in sorted({"PUT", "TRACE", "QUERY"} - used):
            refused = await preflight(client, ALLOWED, method, path="/tasks/1")
            expect(
                not refused.is_success
                or method not in listed(refused.headers.get("access-control-allow-methods")),
                expected=f"the preflight for {method}, which the API does not use, refused",
                got=cors_headers(refused),
                response=refused,
            )


@check("24.2")
async def a_header_the_api_does_not_use_is_refused(ctx: Check) -> None:
    """A preflight for a header the API does not read (X-Forwarded-For, say) is refused."""
    configure(ctx)
    async with ctx.client() as client:
        for header in UNUSED_HEADERS:
            response = await preflight(client, ALLOWED, "POST", f"content-type,{header}")
            allowed_headers = listed(response.headers.get("access-control-allow-headers"))
            expect(
                not response.is_success
                or (header.upper() not in allowed_headers and "*" not in allowed_headers),
                expected=f"{header} not in Access-Control-Allow-Headers: allow the headers the "
                "API reads (Authorization, Content-Type), not whatever a page asks for",
                got=cors_headers(response),
                response=response,
            )
