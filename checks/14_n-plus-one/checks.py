"""Checks for lesson 14: no N+1 queries, and no columns the response does not show.

Each check starts the app (its lifespan creates the tables), writes users, projects and tasks
straight into the database through an engine of its own, then asks for the listing while
SQLAlchemy's engine events count every statement the app sends. The expected body is built
from the rows the check wrote, so "the same response" means the listing's contract.
"""

from typing import Any

import httpx
from sqlalchemy import MetaData, Table, insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from workbook.harness import Check, check, expect, expect_status, json_body

PROJECTS = 50
TASKS_PER_PROJECT = 3
OWNERS = 5  # users 0-4 own projects, users 5-9 are assignees: no owner is also an assignee
# Projects, owners, tasks, assignees: at most one statement per relation, whatever the rows.
MAX_STATEMENTS = 4
UNSHOWN_COLUMNS = ("description", "email")
LONG_TEXT = "Notes that the listing never shows. " * 40


def reflect_tables(connection: Connection) -> dict[str, Table]:
    metadata = MetaData()
    metadata.reflect(connection, only=["user", "project", "task"])
    return dict(metadata.tables)


async def insert_rows(
    connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]
) -> list[int]:
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list((await connection.execute(statement, rows)).scalars().all())


async def clear(ctx: Check) -> None:
    """Empty the tables the check wrote, so the next seed starts from nothing."""
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            tables = await connection.run_sync(reflect_tables)
            for name in ("task", "project", "user"):
                await connection.execute(tables[name].delete())
    finally:
        await engine.dispose()


def assignee_of(project: int, task: int) -> int | None:
    """Which user (by position) is assigned task `task` of project `project`, if any."""
    return None if task == 2 else OWNERS + (project + task) % OWNERS


async def seed(ctx: Check, projects: int = PROJECTS) -> list[dict[str, Any]]:
    """Write the rows; return the listing they make, as the API must show it."""
    names = [f"User {n}" for n in range(2 * OWNERS)]
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            tables = await connection.run_sync(reflect_tables)
            user_ids = await insert_rows(
                connection,
                tables["user"],
                [{"name": name, "email": f"user{n}@example.com"} for n, name in enumerate(names)],
            )
            project_ids = await insert_rows(
                connection,
                tables["project"],
                [
                    {"name": f"Project {i:02d}", "owner_id": user_ids[i % OWNERS]}
                    for i in range(projects)
                ],
            )
            task_ids = await insert_rows(
                connection,
                tables["task"],
                [
                    {
                        "project_id": project_ids[i],
                        "title": f"Task {i:02d}.{j}",
                        "description": LONG_TEXT,
                        "is_done": j == 0,
                        "assignee_id": None
                        if (who := assignee_of(i, j)) is None
                        else user_ids[who],
                    }
                    for i in range(projects)
                    for j in range(TASKS_PER_PROJECT)
                ],
            )
    finally:
        await engine.dispose()

    def user(position: int | None) -> dict[str, Any] | None:
        if position is None:
            return None
        return {"id": user_ids[position], "name": names[position]}

    return [
        {
            "id": project_ids[i],
            "name": f"Project {i:02d}",
            "owner": user(i % OWNERS),
            "tasks": [
                {
                    "id": task_ids[i * TASKS_PER_PROJECT + j],
                    "title": f"Task {i:02d}.{j}",
                    "is_done": j == 0,
                    "assignee": user(assignee_of(i, j)),
                }
                for j in range(TASKS_PER_PROJECT)
            ],
        }
        for i in range(projects)
    ]


def expect_same_listing(response: httpx.Response, expected: list[dict[str, Any]]) -> None:
    expect_status(response, 200, because="the listing is a plain read")
    body = json_body(response)
    if body == expected:
        return
    first = next(
        (
            f"project {want['id']}: got {got}, expected {want}"
            for got, want in zip(body, expected, strict=False)
            if got != want
        ),
        f"{len(body)} projects, expected {len(expected)}",
    )
    expect(
        False,
        expected="the listing the data makes: each project (by id) with its owner "
        "and its tasks (by id), each task with its assignee or null",
        got=first,
        response=response,
    )


def outline(statements: list[str], limit: int = 4) -> str:
    shown = [" ".join(statement.split())[:140] for statement in statements[:limit]]
    more = f" … and {len(statements) - limit} more" if len(statements) > limit else ""
    return " | ".join(shown) + more


@check("14.1", baseline=True)
async def the_listing_shows_each_project_with_its_tasks(ctx: Check) -> None:
    """GET /projects lists projects in id order, each with its owner, tasks and assignees."""
    async with ctx.client() as client:
        expected = await seed(ctx, projects=12)
        listed = await client.get("/projects")
        first_three = await client.get("/projects", params={"limit": 3})
        too_many = await client.get("/projects", params={"limit": 1000})
    expect_same_listing(listed, expected)
    expect_same_listing(first_three, expected[:3])
    expect_status(too_many, 422, because="a limit above 100 is refused")


@check("14.1")
async def the_listing_takes_a_fixed_number_of_statements(ctx: Check) -> None:
    """Listing 5 or 50 projects with their relations takes the same few statements (at most 4)."""
    counts = []
    for projects in (5, PROJECTS):
        async with ctx.client() as client:
            expected = await seed(ctx, projects=projects)
            with ctx.sql_statements() as statements:
                response = await client.get("/projects", params={"limit": projects})
        expect_same_listing(response, expected)
        counts.append(len(statements))
        await clear(ctx)
    expect(
        counts[0] == counts[1] and counts[1] <= MAX_STATEMENTS,
        expected=f"the same number of statements for 5 and for {PROJECTS} projects, and at "
        f"most {MAX_STATEMENTS} (one per relation loaded; two with joinedload for owner and "
        "assignee and selectinload for the tasks)",
        got=f"{counts[0]} statements for 5 projects, {counts[1]} for {PROJECTS}: "
        f"{outline(statements)}",
        response=response,
        note="a statement per row (or per distinct owner or assignee) is the N+1 pattern",
    )


@check("14.2")
async def the_listing_reads_only_the_columns_it_shows(ctx: Check) -> None:
    """The listing's SQL never reads task.description or user.email, which it does not show."""
    async with ctx.client() as client:
        expected = await seed(ctx, projects=5)
        with ctx.sql_statements() as statements:
            response = await client.get("/projects")
    expect_same_listing(response, expected)
    reading = [s for s in statements if any(column in s for column in UNSHOWN_COLUMNS)]
    named = sorted({column for s in reading for column in UNSHOWN_COLUMNS if column in s})
    expect(
        not reading,
        expected="SELECTs of the columns the response shows only: no description (a long "
        "text) and no e-mail (personal data) read for nothing",
        got=f"{len(reading)} of {len(statements)} statements read {', '.join(named)}: "
        + outline(reading, limit=2),
        response=response,
    )
