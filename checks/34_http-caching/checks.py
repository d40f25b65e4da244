"""Checks for lesson 34: conditional GET and Cache-Control, judged by what a cache would see.

The time is the app's own clock dependency (`get_clock` in app/core/clock.py), replaced by a
clock the check moves by hand, so Last-Modified is exact and no check waits.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx

from workbook.harness import Check, check, expect, expect_status, json_body

# Sub-second on purpose: HTTP dates have whole seconds, the stored time does not.
START = datetime(2026, 1, 5, 10, 0, 0, 700_000, tzinfo=UTC)
STRONG_TAG = re.compile(r'^"[\x21\x23-\x7e]+"$')


class ManualClock:
    def __init__(self) -> None:
        self.moment = START

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


@asynccontextmanager
async def app_with_clock(
    ctx: Check, rule: str = ""
) -> AsyncIterator[tuple[httpx.AsyncClient, ManualClock]]:
    """A client for the app whose clock dependency is a ManualClock.

    `rule` is the rule that needs the clock (a missing `get_clock` blocks it); without one,
    a missing clock only leaves the app on its own time (bodies then differ between runs).
    """
    app: Any = ctx.app()
    clock = ManualClock()
    if rule or (ctx.root / "app" / "core" / "clock.py").is_file():
        get_clock = ctx.attribute("app.core.clock", "get_clock", required_by=rule or "34.2")
        app.dependency_overrides[get_clock] = lambda: clock
    async with ctx.client(app) as client:
        yield client, clock


def header(response: httpx.Response, name: str) -> str:
    value = response.headers.get(name)
    return f"{name}: {value}" if value is not None else f"no {name} header"


async def new_project(client: httpx.AsyncClient, name: str = "Apollo") -> str:
    response = await client.post("/projects", json={"name": name, "description": "moon"})
    expect_status(response, 201, because="a valid project is created")
    return f"/projects/{json_body(response)['id']}"


async def get(client: httpx.AsyncClient, url: str, **headers: str) -> httpx.Response:
    return await client.get(url, headers={k.replace("_", "-"): v for k, v in headers.items()})


def etag_of(response: httpx.Response) -> str:
    expect_status(response, 200, because="the project exists")
    tag = response.headers.get("etag")
    expect(tag is not None, expected="an ETag header on the project's 200",
           got=header(response, "ETag"), response=response)
    return str(tag)


def expect_not_modified(response: httpx.Response, etag: str | None, because: str) -> None:
    expect_status(response, 304, because=because)
    expect(not response.content, expected="a 304 without a body", got=response.text,
           response=response)
    if etag is not None:
        expect(response.headers.get("etag") == etag,
               expected=f"the 304 to carry the current ETag {etag} (RFC 9110 15.4.5)",
               got=header(response, "ETag"), response=response)


# ---- 34.1 ETag / If-None-Match -------------------------------------------------------------


@check("34.1", baseline=True)
async def projects_are_created_changed_and_read(ctx: Check) -> None:
    """A project is created, read, renamed and given a task; each read shows the change."""
    async with app_with_clock(ctx) as (client, _):
        url = await new_project(client)
        first = await client.get(url)
        renamed = await client.put(url, json={"name": "Artemis", "description": "moon"})
        task = await client.post(f"{url}/tasks", json={"title": "launch"})
        latest = await client.get(url)
        missing = await client.get("/projects/999999")
    expect_status(first, 200, because="the project exists")
    expect_status(renamed, 200, because="a valid update is applied")
    expect_status(task, 201, because="a valid task is created")
    body = json_body(latest)
    expect(body.get("name") == "Artemis" and [t.get("title") for t in body.get("tasks", [])]
           == ["launch"], expected="the renamed project with its task", got=latest,
           response=latest)
    expect_status(missing, 404, because="no such project")


@check("34.1")
async def a_project_has_a_strong_etag(ctx: Check) -> None:
    """GET sends a strong ETag, the same while the project is unchanged, another per project."""
    async with app_with_clock(ctx) as (client, _):
        apollo = await new_project(client, "Apollo")
        gemini = await new_project(client, "Gemini")
        first = await client.get(apollo)
        again = await client.get(apollo)
        other = await client.get(gemini)
    tag = etag_of(first)
    expect(STRONG_TAG.match(tag) is not None,
           expected='a strong entity tag: a quoted string, no W/ prefix, e.g. "3f2a…" '
           "(a hash of the representation is byte-exact, so it may be strong)",
           got=f"ETag: {tag}", response=first)
    expect(etag_of(again) == tag, expected="the same ETag for an unchanged representation",
           got=f"{tag} then {etag_of(again)}", response=again)
    expect(etag_of(other) != tag, expected="another ETag for another project's representation",
           got=f"both {tag}", response=other)


@check("34.1")
async def a_matching_if_none_match_gets_304(ctx: Check) -> None:
    """If-None-Match with the current tag gets 304, no body, and the tag again."""
    async with app_with_clock(ctx) as (client, _):
        url = await new_project(client)
        tag = etag_of(await client.get(url))
        response = await get(client, url, If_None_Match=tag)
    expect_not_modified(response, tag, because="the client already has this representation")


@check("34.1")
async def if_none_match_lists_weak_tags_and_star_match(ctx: Check) -> None:
    """A tag list, the tag's weak form W/"…" and `*` match; `*` on a missing project is 404."""
    async with app_with_clock(ctx) as (client, _):
        url = await new_project(client)
        tag = etag_of(await client.get(url))
        cases = {
            "a list that contains the tag": f'"stale-1", {tag} ,"stale-2"',
            "the tag's weak form (If-None-Match compares weakly)": f"W/{tag}",
            "`*` (any current representation)": "*",
        }
        for meaning, value in cases.items():
            response = await get(client, url, If_None_Match=value)
            expect(response.status_code == 304,
                   expected=f"304 for If-None-Match with {meaning}", got=response,
                   response=response)
        stale = await get(client, url, If_None_Match='"stale-1", W/"stale-2"')
        missing = await get(client, "/projects/999999", If_None_Match="*")
    expect_status(stale, 200, because="none of the listed tags is current")
    expect_status(missing, 404, because="`*` matches only a representation that exists: "
                  "look the project up before evaluating If-None-Match")


@check("34.1")
async def a_change_gives_a_new_tag(ctx: Check) -> None:
    """After a rename, a new description or a new task, the old tag gets 200 and a new tag."""
    async with app_with_clock(ctx) as (client, _):
        url = await new_project(client)
        changes = (
            ("a rename", "PUT", url, {"name": "Artemis", "description": "moon"}),
            ("a new description", "PUT", url, {"name": "Artemis", "description": "mars"}),
            ("a new task in the project", "POST", f"{url}/tasks", {"title": "launch"}),
        )
        for change, method, path, payload in changes:
            old_tag = etag_of(await client.get(url))
            changed = await client.request(method, path, json=payload)
            expect(changed.status_code in (200, 201), expected=f"{change} to succeed",
                   got=changed, response=changed)
            response = await get(client, url, If_None_Match=old_tag)
            expect(response.status_code == 200,
                   expected=f"200 with the new representation after {change}: the old tag "
                   "no longer matches (the tag must follow the whole body, tasks included)",
                   got=response, response=response)
            new_tag = etag_of(response)
            expect(new_tag != old_tag, expected=f"a new ETag after {change}",
                   got=f"ETag {new_tag} again", response=response)
            current = await get(client, url, If_None_Match=new_tag)
            expect_not_modified(current, new_tag, because="the new tag is current")


# ---- 34.2 Last-Modified / If-Modified-Since -----------------------------------------------


@check("34.2")
async def a_project_has_last_modified(ctx: Check) -> None:
    """GET sends Last-Modified: the time of the last change, as an HTTP date in GMT."""
    async with app_with_clock(ctx, "34.2") as (client, clock):
        url = await new_project(client)
        clock.advance(hours=1)
        await client.put(url, json={"name": "Artemis", "description": "moon"})
        clock.advance(hours=1)
        response = await client.get(url)
    expect_status(response, 200, because="the project exists")
    expected = http_date(START + timedelta(hours=1))
    got = response.headers.get("last-modified")
    expect(got == expected,
           expected=f"Last-Modified: {expected} (the time of the rename, an IMF-fixdate in GMT)",
           got=header(response, "Last-Modified"), response=response)


@check("34.2")
async def if_modified_since_gets_304_when_unchanged(ctx: Check) -> None:
    """If-Modified-Since at or after Last-Modified gets 304; before it, 200."""
    async with app_with_clock(ctx, "34.2") as (client, clock):
        url = await new_project(client)
        clock.advance(minutes=5)
        same = await get(client, url, If_Modified_Since=http_date(START))
        later = await get(client, url, If_Modified_Since=http_date(START + timedelta(days=1)))
        earlier = await get(client, url, If_Modified_Since=http_date(START - timedelta(seconds=1)))
    expect_not_modified(same, None, because="not modified since the date sent (HTTP dates are "
                        "whole seconds: compare the change time truncated to the second)")
    expect_not_modified(later, None, because="not modified since a later date either")
    expect_status(earlier, 200, because="modified after the date sent")


@check("34.2")
async def a_change_moves_last_modified(ctx: Check) -> None:
    """A rename or a new task moves Last-Modified; the old date then gets 200."""
    async with app_with_clock(ctx, "34.2") as (client, clock):
        url = await new_project(client)
        for change, path, payload in (
            ("a rename", url, {"name": "Artemis", "description": "moon"}),
            ("a new task in the project", f"{url}/tasks", {"title": "launch"}),
        ):
            before = (await client.get(url)).headers.get("last-modified") or ""
            clock.advance(minutes=10)
            await client.request("PUT" if path == url else "POST", path, json=payload)
            response = await get(client, url, If_Modified_Since=before)
            expect(response.status_code == 200,
                   expected=f"200 after {change}: the representation changed since {before}",
                   got=response, response=response)
            expected = http_date(clock.moment)
            expect(response.headers.get("last-modified") == expected,
                   expected=f"Last-Modified: {expected} after {change}",
                   got=header(response, "Last-Modified"),
                   response=response)


@check("34.2")
async def if_none_match_takes_precedence(ctx: Check) -> None:
    """With both headers, a stale If-None-Match wins over a current If-Modified-Since: 200."""
    async with app_with_clock(ctx, "34.2") as (client, _):
        url = await new_project(client)
        current = await client.get(url)
        last_modified = current.headers.get("last-modified") or http_date(START)
        alone = await get(client, url, If_Modified_Since=last_modified)
        response = await get(client, url, If_None_Match='"stale"',
                             If_Modified_Since=last_modified)
    expect_status(alone, 304, because="not modified since Last-Modified")
    expect_status(response, 200, because="If-None-Match is evaluated first and "
                  "If-Modified-Since is then ignored (RFC 9110 13.2.2): the tag is stale")


@check("34.2")
async def a_malformed_if_modified_since_is_ignored(ctx: Check) -> None:
    """An If-Modified-Since that is not an HTTP date is ignored: 200, never a 500."""
    async with app_with_clock(ctx, "34.2") as (client, clock):
        url = await new_project(client)
        clock.advance(minutes=5)
        tagged = await client.get(url)
        for value in ("yesterday", "2026-01-05T10:00:00", "Mon, 99 Foo 2026 25:61:61 GMT", ""):
            response = await get(client, url, If_Modified_Since=value)
            expect(response.status_code == 200,
                   expected=f"200: `If-Modified-Since: {value}` is not a date, so it is ignored",
                   got=response, response=response)
    expect("last-modified" in tagged.headers, expected="Last-Modified on the 200",
           got=dict(tagged.headers), response=tagged)


# ---- 34.3 Cache-Control -------------------------------------------------------------------


def directives(response: httpx.Response) -> set[str]:
    value = response.headers.get("cache-control", "")
    return {part.strip().split("=")[0].lower() for part in value.split(",") if part.strip()}


@check("34.3", baseline=True)
async def the_profile_needs_a_token(ctx: Check) -> None:
    """GET /me answers the token's user, and 401 without a valid token."""
    async with app_with_clock(ctx) as (client, _):
        alice = await client.get("/me", headers={"Authorization": "Bearer alice-token"})
        anonymous = await client.get("/me")
    expect_status(alice, 200, because="alice's token is valid")
    expect(json_body(alice).get("name") == "alice", expected="alice's profile", got=alice,
           response=alice)
    expect_status(anonymous, 401, because="the profile needs a token")


@check("34.3")
async def user_data_is_private(ctx: Check) -> None:
    """GET /me says `Cache-Control: private` or `no-store`, never public, on 200 and 401."""
    async with app_with_clock(ctx) as (client, _):
        alice = await client.get("/me", headers={"Authorization": "Bearer alice-token"})
        anonymous = await client.get("/me")
    for response in (alice, anonymous):
        found = directives(response)
        expect(bool(found & {"private", "no-store"}) and not found & {"public", "s-maxage"},
               expected="Cache-Control with `private` or `no-store` (and neither `public` nor "
               "`s-maxage`): a shared cache must never hand one user's profile to another",
               got=header(response, "Cache-Control"),
               response=response)


@check("34.3")
async def shared_data_may_be_cached_and_revalidated(ctx: Check) -> None:
    """A project's GET lets caches keep it but revalidate before each reuse (`no-cache`)."""
    async with app_with_clock(ctx) as (client, _):
        url = await new_project(client)
        response = await client.get(url)
    found = directives(response)
    value = response.headers.get("cache-control", "").replace(" ", "").lower()
    revalidates = "no-cache" in found or "max-age=0" in value.split(",")
    expect(revalidates and "no-store" not in found,
           expected="Cache-Control with `no-cache` (or `max-age=0`) and without `no-store`: "
           "shared data is worth caching, the ETag makes revalidating it cheap, and a "
           "positive `max-age` lets a cache serve a stale project to a polling dashboard",
           got=header(response, "Cache-Control"), response=response)


@check("34.3")
async def a_304_repeats_cache_control(ctx: Check) -> None:
    """A 304 carries the same Cache-Control as the 200 it stands for."""
    async with app_with_clock(ctx) as (client, _):
        url = await new_project(client)
        full = await client.get(url)
        tag = full.headers.get("etag") or '"none"'
        response = await get(client, url, If_None_Match=tag)
    expect_status(full, 200, because="the project exists")
    expect_status(response, 304, because="the tag is current")
    expect(bool(directives(full)) and directives(response) == directives(full),
           expected=f"Cache-Control: {full.headers.get('cache-control')} on the 304 as on the "
           "200 (RFC 9110 15.4.5), or a cache applies the wrong policy to the reused copy",
           got=header(response, "Cache-Control"), response=response)
