"""Checks for lesson 07: never block the event loop.

No check here compares a duration with a number of seconds, or trusts the order in which two
requests happen to finish. While a check runs, the directory SDK's blocking `lookup` is
wrapped: a lookup announces that it has started, then holds its thread until the check lets
it go (or a generous time-out passes). So the checks can ask exact questions:

- 07.1: is `/healthz` answered while a lookup is still held? Only if the lookup holds a worker
  thread, not the event loop: a loop blocked by the lookup cannot serve anything until the
  lookup gives up waiting.
- 07.2: are six lookups sent at once in progress at the same time? Lookups serialised on the
  event loop, behind a lock or in a one-thread pool are in progress one at a time.
"""

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from workbook.harness import Check, check, expect, expect_status, json_body

LATENCY_SECONDS = 0.01  # the SDK's own sleep, after the hold below
HOLD_SECONDS = 2.0  # how long a held lookup waits for the check before it gives up
GATHER_SECONDS = 0.5  # how long each of the concurrent lookups waits for the others
CONCURRENT = 6
MIN_OVERLAPPING = 3  # of CONCURRENT lookups; serialised lookups overlap 1 at a time
SLOW_ROUTES = ("/assignees/ada.lovelace", "/tasks/3/assignee")
CLIENT_MODULE = "app.directory.client"


@dataclass
class HeldLookups:
    """What the wrapped `DirectoryClient.lookup` did, told across threads."""

    started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    gave_up: threading.Event = field(default_factory=threading.Event)
    all_in: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_progress: int = 0
    most_at_once: int = 0
    expected_at_once: int = 0

    def reset(self, expected_at_once: int = 0) -> None:
        for flag in (self.started, self.release, self.gave_up, self.all_in):
            flag.clear()
        self.in_progress = self.most_at_once = 0
        self.expected_at_once = expected_at_once


def use_known_latency(ctx: Check) -> None:
    ctx.setenv("APP_DIRECTORY_LATENCY_SECONDS", str(LATENCY_SECONDS))


@contextlib.contextmanager
def held_lookups(ctx: Check) -> Iterator[HeldLookups]:
    """Wrap the SDK's `DirectoryClient.lookup` so that the check controls when it returns."""
    use_known_latency(ctx)
    directory_class: Any = ctx.attribute(CLIENT_MODULE, "DirectoryClient", required_by="07.2")
    original: Callable[..., Any] = directory_class.lookup
    held = HeldLookups()

    def lookup(self: Any, *args: Any, **kwargs: Any) -> Any:
        with held.lock:
            held.in_progress += 1
            held.most_at_once = max(held.most_at_once, held.in_progress)
            if held.expected_at_once and held.in_progress >= held.expected_at_once:
                held.all_in.set()
        held.started.set()
        try:
            if held.expected_at_once:
                held.all_in.wait(GATHER_SECONDS)
            elif not held.release.wait(HOLD_SECONDS):
                held.gave_up.set()
            return original(self, *args, **kwargs)
        finally:
            with held.lock:
                held.in_progress -= 1

    directory_class.lookup = lookup
    try:
        yield held
    finally:
        held.release.set()
        held.all_in.set()
        directory_class.lookup = original


async def wait_for(flag: threading.Event, request: "asyncio.Task[httpx.Response]") -> None:
    """Until `flag` is set or the request is done, yielding to the event loop meanwhile."""
    for _ in range(int(HOLD_SECONDS * 4 / 0.005)):
        if flag.is_set() or request.done():
            return
        await asyncio.sleep(0.005)


@check("07.2", baseline=True)
async def an_assignee_is_looked_up(ctx: Check) -> None:
    """GET /assignees/{login} answers with the directory's person; a bad login gets 422."""
    use_known_latency(ctx)
    async with ctx.client() as client:
        found = await client.get("/assignees/ada.lovelace")
        refused = await client.get("/assignees/DROP%20TABLE")
    expect_status(found, 200)
    name = json_body(found).get("display_name")
    expect(name == "Ada Lovelace", expected="display_name 'Ada Lovelace'", got=name, response=found)
    expect_status(refused, 422, because="a login is lower-case letters and dots")


@check("07.2")
async def concurrent_lookups_overlap(ctx: Check) -> None:
    """Six lookups sent at once are in progress at the same time, each in a thread of its own."""
    with held_lookups(ctx) as held:
        async with ctx.client() as client:
            for path in SLOW_ROUTES:
                held.reset(expected_at_once=CONCURRENT)
                responses = await asyncio.gather(*(client.get(path) for _ in range(CONCURRENT)))
                for response in responses:
                    expect_status(response, 200)
                expect(
                    held.most_at_once >= MIN_OVERLAPPING,
                    expected=f"{CONCURRENT} concurrent GET {path} to overlap: the directory "
                    f"lookups in progress at the same time, each holding a worker thread",
                    got=f"at most {held.most_at_once} lookup(s) in progress at once: the "
                    "lookups ran one after another",
                    response=responses[-1],
                )


@check("07.1")
async def the_heartbeat_answers_while_a_lookup_runs(ctx: Check) -> None:
    """GET /healthz answers while a slow lookup is still in progress, on every slow route."""
    with held_lookups(ctx) as held:
        async with ctx.client() as client:
            await client.get("/healthz")
            for path in SLOW_ROUTES:
                held.reset()
                slow = asyncio.create_task(client.get(path))
                await wait_for(held.started, slow)
                heartbeat = await client.get("/healthz")
                answered_during_lookup = held.started.is_set() and not held.gave_up.is_set()
                held.release.set()
                answer = await slow
                expect_status(heartbeat, 200)
                # A route that fails before its lookup (a typo, say) never held the loop: its
                # own failure is the news, not a blocked loop.
                expect_status(answer, 200, because="the lookup succeeds")
                expect(
                    held.started.is_set(),
                    expected=f"GET {path} to look the person up with DirectoryClient.lookup",
                    got="an answer without any call of DirectoryClient.lookup",
                    response=answer,
                )
                expect(
                    answered_during_lookup,
                    expected=f"/healthz to be answered while GET {path} waits on the directory",
                    got="/healthz was answered only after the lookup had finished: the lookup "
                    "blocked the event loop (in the handler or in one of its dependencies)",
                    response=heartbeat,
                )
