"""Checks for lesson 13: one transaction per use case, rolled back whole, safe under concurrency.

A transfer has three steps: 1. record the transfer, 2. take the hours from the source project,
3. give them to the target project. The database refuses a budget below 0 or above 1000 hours
(a CHECK constraint), so a valid request can still fail in step 2 (the source has too few
hours) or in step 3 (the target is nearly full): the checks use exactly that to make a step
fail, and then look at what was left behind. Transactions are observed through SQLAlchemy's
engine events (every statement, every COMMIT), never by reading the code.
"""

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidRequestError

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body
from workbook.loader import learner_location

CAP = 1000
HOURS = 10
WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass
class TransactionLog:
    """The write statements of every committed transaction, per database connection."""

    pending: dict[int, list[str]] = field(default_factory=dict)
    committed: list[list[str]] = field(default_factory=list)

    def statement(self, conn: object, statement: str) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            self.pending.setdefault(id(conn), []).append(" ".join(statement.split()[:3]))

    def commit(self, conn: object) -> None:
        writes = self.pending.pop(id(conn), [])
        if writes:
            self.committed.append(writes)

    def rollback(self, conn: object) -> None:
        self.pending.pop(id(conn), None)


@contextlib.contextmanager
def transactions() -> Iterator[TransactionLog]:
    log = TransactionLog()
    listeners: dict[str, Any] = {
        "before_cursor_execute": lambda conn, cursor, statement, *rest: log.statement(
            conn, statement
        ),
        "commit": log.commit,
        "rollback": log.rollback,
    }
    for name, listener in listeners.items():
        event.listen(Engine, name, listener)
    try:
        yield log
    finally:
        for name, listener in listeners.items():
            event.remove(Engine, name, listener)


async def new_project(client: httpx.AsyncClient, name: str, budget_hours: int) -> int:
    response = await client.post("/projects", json={"name": name, "budget_hours": budget_hours})
    expect_status(response, 201, because="a valid project is created")
    project_id: int = json_body(response)["id"]
    return project_id


UNSAVED = (
    "the INSERT was flushed but never committed, so it was rolled back when the request ended. "
    "With a repository that only flushes, the service commits: `create_project` runs in an "
    "`async with session.begin():` of its own"
)


async def expect_saved(client: httpx.AsyncClient, project_ids: list[int], *, rule: str) -> None:
    """The projects just created are listed, so the rest of the check can trust them.

    Rule 13.1 is at fault when they are not (a repository that flushes under a service that
    never commits): a check of another rule is blocked by it rather than blaming transfers.
    """
    response = await client.get("/projects")
    expect_status(response, 200, because="the projects can be listed")
    listed = sorted(project["id"] for project in json_body(response))
    if set(project_ids) <= set(listed):
        return
    got = f"POST /projects answered 201 with ids {project_ids}; GET /projects lists {listed}"
    if rule != "13.1":
        raise Blocked("13.1", f"{got}:\n{UNSAVED}")
    expect(
        False,
        expected="every project created by POST /projects to be listed by GET /projects",
        got=got,
        response=response,
        note=UNSAVED,
    )


def expect_working_transactions(ctx: Check) -> None:
    """Blame rule 13.1 when SQLAlchemy refused how the app used its session's transaction."""
    for app_error in ctx.app_errors:
        error = app_error.error
        if isinstance(error, InvalidRequestError) and "transaction" in str(error).lower():
            where = learner_location(ctx.root, error.__traceback__)
            advice = (
                "A query run before `async with session.begin():` has begun the session's "
                "transaction already: the use case's look-ups belong inside the block."
                if "already" in str(error)
                else "A commit() or rollback() inside the service's `async with "
                "session.begin():` ends its transaction half-way: the repository only flushes."
            )
            raise Blocked(
                "13.1",
                f"{app_error.request_line} failed with {type(error).__name__}: {error}{where}\n"
                f"{advice}",
            )


async def move(client: httpx.AsyncClient, source: int, target: int, hours: int) -> httpx.Response:
    return await client.post(
        "/transfers", json={"source_id": source, "target_id": target, "hours": hours}
    )


async def budgets(client: httpx.AsyncClient) -> dict[int, int]:
    response = await client.get("/projects")
    expect_status(response, 200, because="the projects can be listed")
    return {project["id"]: project["budget_hours"] for project in json_body(response)}


async def recorded(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/transfers")
    expect_status(response, 200, because="the transfers can be listed")
    transfers: list[dict[str, Any]] = json_body(response)
    return transfers


def expect_refused(response: httpx.Response, because: str) -> None:
    expect(
        400 <= response.status_code < 500,
        expected=f"a 4xx answer, 409 for instance ({because})",
        got=f"{response.status_code} {response.text[:300]}",
        response=response,
    )


@check("13.1", baseline=True)
async def a_transfer_moves_hours_and_is_recorded(ctx: Check) -> None:
    """A transfer moves the hours, is listed, and a missing project is a 404."""
    async with ctx.client() as client:
        apollo = await new_project(client, "Apollo", 100)
        gemini = await new_project(client, "Gemini", 0)
        await expect_saved(client, [apollo, gemini], rule="13.1")
        moved = await move(client, apollo, gemini, 30)
        expect_status(moved, 201, because="Apollo has the hours and Gemini has room")
        missing = await move(client, apollo, 999_999, 5)
        after = await budgets(client)
        listed = await recorded(client)
    expect_status(missing, 404, because="the target project does not exist")
    expect(
        after == {apollo: 70, gemini: 30},
        expected="budgets 70 and 30 after moving 30 hours",
        got=after,
        response=moved,
    )
    expect(
        [item.get("hours") for item in listed] == [30],
        expected="one transfer of 30 hours listed",
        got=listed,
        response=moved,
    )


@check("13.1")
async def a_transfer_commits_once(ctx: Check) -> None:
    """A transfer's record, debit and credit are committed together, in one transaction."""
    async with ctx.client() as client:
        apollo = await new_project(client, "Apollo", 100)
        gemini = await new_project(client, "Gemini", 0)
        await expect_saved(client, [apollo, gemini], rule="13.1")
        with transactions() as log:
            response = await move(client, apollo, gemini, 30)
    expect_status(response, 201, because="Apollo has the hours and Gemini has room")
    expect(
        len(log.committed) == 1,
        expected="one COMMIT holding the INSERT and both UPDATEs: the service opens one "
        "transaction for the whole use case",
        got=f"{len(log.committed)} commits that wrote: "
        + " | ".join(", ".join(writes) for writes in log.committed),
        response=response,
    )


@check("13.1")
async def a_failed_debit_leaves_no_transfer_record(ctx: Check) -> None:
    """A transfer refused in step 2 (the debit) leaves no record from step 1 behind."""
    async with ctx.client() as client:
        apollo = await new_project(client, "Apollo", 50)
        gemini = await new_project(client, "Gemini", 0)
        await expect_saved(client, [apollo, gemini], rule="13.1")
        response = await move(client, apollo, gemini, 80)  # valid input, but Apollo has 50
        listed = await recorded(client)
        after = await budgets(client)
    expect_refused(response, "Apollo has only 50 of the 80 hours")
    expect(
        listed == [] and after == {apollo: 50, gemini: 0},
        expected="no transfer recorded and both budgets as they were (50 and 0): the record "
        "written in step 1 is rolled back with the failed step 2",
        got=f"transfers {listed}, budgets {after}",
        response=response,
    )


@check("13.2")
async def a_refused_credit_leaves_both_budgets_untouched(ctx: Check) -> None:
    """A transfer refused in step 3 (the credit) takes no hours from the source."""
    async with ctx.client() as client:
        apollo = await new_project(client, "Apollo", 100)
        nearly_full = await new_project(client, "Gemini", CAP - 5)
        await expect_saved(client, [apollo, nearly_full], rule="13.2")
        response = await move(client, apollo, nearly_full, HOURS)  # Gemini would pass the cap
        after = await budgets(client)
        listed = await recorded(client)
    expect_working_transactions(ctx)
    expect_refused(response, f"Gemini would hold {CAP + HOURS - 5} hours, above the cap of {CAP}")
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    expect(
        response.status_code == 409 and media_type == "application/problem+json",
        expected="409 with an application/problem+json body: a domain error raised in the "
        "transaction block, answered by the app's exception handler",
        got=f"{response.status_code} {media_type} {response.text[:200]}",
        response=response,
    )
    expect(
        after == {apollo: 100, nearly_full: CAP - 5} and listed == [],
        expected=f"budgets 100 and {CAP - 5} as before, and no transfer recorded: the debit of "
        "step 2 is rolled back when step 3 fails",
        got=f"budgets {after}, transfers {listed}",
        response=response,
    )


@check("13.3")
async def concurrent_transfers_keep_the_total(ctx: Check) -> None:
    """12 transfers sent at once: the total is kept, and every budget matches the accepted moves."""
    async with ctx.client() as client:
        a = await new_project(client, "A", 50)
        b = await new_project(client, "B", 0)
        nearly_full = await new_project(client, "C", CAP - 5)
        d = await new_project(client, "D", 100)
        e = await new_project(client, "E", 100)
        f = await new_project(client, "F", 100)
        await expect_saved(client, [a, b, nearly_full, d, e, f], rule="13.3")
        before = await budgets(client)
        # Open pooled connections first, so the transfers below really run side by side.
        await asyncio.gather(*(client.get("/projects") for _ in range(10)))
        # A can cover 5 of its 6 transfers; E and F trade both ways; C has no room for D's.
        plan = [(a, b)] * 6 + [(e, f), (f, e)] * 2 + [(d, nearly_full)] * 2
        plan = plan[::2] + plan[1::2]
        responses = await asyncio.gather(*(move(client, src, dst, HOURS) for src, dst in plan))
        after = await budgets(client)
        listed = await recorded(client)
    expect_working_transactions(ctx)
    statuses = Counter(response.status_code for response in responses)
    accepted = [
        pair for pair, response in zip(plan, responses, strict=True) if response.status_code == 201
    ]
    wanted = dict(before)
    for source, target in accepted:
        wanted[source] -= HOURS
        wanted[target] += HOURS
    # Which invariant broke, in words that do not depend on how the race happened to run
    # (the same mistake loses a different update on every run).
    out_of_range = any(not 0 <= hours <= CAP for hours in after.values())
    broken = [
        text
        for is_broken, text in (
            (
                out_of_range,
                f"a budget left 0-{CAP} hours: transfers passed a check made before "
                "another one wrote",
            ),
            (
                after != wanted or sum(after.values()) != sum(before.values()),
                "the budgets do not match the accepted transfers: a write overwrote another's "
                "(a lost update)",
            ),
            (
                any(code >= 500 for code in statuses),
                "transfers failed with a 5xx (a deadlock, or a locked database)",
            ),
            (len(listed) != len(accepted), "the transfer records do not match the accepted ones"),
        )
        if is_broken
    ]
    expect(
        not broken,
        expected="every transfer accepted (201) or refused (4xx) whole: the total stays "
        f"{sum(before.values())}, each budget is its start plus the accepted moves, and none "
        f"leaves 0-{CAP} hours",
        got=broken[0] if broken else "",
        note="change a balance with one conditional UPDATE (and lock the rows first on "
        "PostgreSQL); never decide in Python on a value another transaction may change",
    )
