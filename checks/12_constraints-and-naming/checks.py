"""Checks for lesson 12: constraints in the schema, named by a convention, and 409 on a clash.

The schema is judged as the database holds it: the app starts (its lifespan builds the tables),
then SQLAlchemy's inspector reflects the real tables, keys and indexes from `ctx.database_url`.
Only the naming check also reads the app's `MetaData`, for the convention the names must follow.
"""

import asyncio
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import (
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    func,
    inspect,
    select,
    table,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.sql import sqltypes

from workbook.harness import Check, check, expect, expect_status, json_body

CONCURRENT_REQUESTS = 10
# The tables the API needs, under the name the lesson asks for or the plural the starter uses.
PROJECT = ("project", "projects")
TASK = ("task", "tasks")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
SQL_LEAKS = (
    "integrityerror",
    "insert into",
    "unique constraint failed",
    "duplicate key value",
    "sqlalche.me",
    "asyncpg",
    "sqlite3",
)


@dataclass
class Reflected:
    """One table as the database reports it."""

    name: str
    columns: list[dict[str, Any]]
    primary_key: dict[str, Any]
    uniques: list[dict[str, Any]]
    foreign_keys: list[dict[str, Any]]
    indexes: list[dict[str, Any]]

    def unique_column_sets(self) -> set[tuple[str, ...]]:
        sets = {tuple(unique["column_names"]) for unique in self.uniques}
        return sets | {tuple(index["column_names"]) for index in self.indexes if index["unique"]}

    def leading_columns(self) -> set[str]:
        keyed = [*self.indexes, *self.uniques, self.primary_key]
        names = [item.get("column_names") or item.get("constrained_columns") for item in keyed]
        return {columns[0] for columns in names if columns}

    def references(self, column: str) -> set[str]:
        return {
            f"{key['referred_table']}.{key['referred_columns'][0]}"
            for key in self.foreign_keys
            if key["constrained_columns"] == [column]
        }


def read_schema(connection: Connection) -> dict[str, Reflected]:
    inspector = inspect(connection)
    return {
        name: Reflected(
            name=name,
            columns=[dict(item) for item in inspector.get_columns(name)],
            primary_key=dict(inspector.get_pk_constraint(name)),
            uniques=[dict(item) for item in inspector.get_unique_constraints(name)],
            foreign_keys=[dict(item) for item in inspector.get_foreign_keys(name)],
            # PostgreSQL lists the index behind each unique constraint too: that is the
            # constraint's, already judged as one.
            indexes=[
                dict(item)
                for item in inspector.get_indexes(name)
                if not item.get("duplicates_constraint")
            ],
        )
        for name in inspector.get_table_names()
    }


async def reflect(ctx: Check) -> dict[str, Reflected]:
    """Start the app (its lifespan creates the schema), then read the schema back."""
    async with ctx.client():
        pass
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(read_schema)
    finally:
        await engine.dispose()


def find(schema: dict[str, Reflected], names: tuple[str, ...]) -> Reflected:
    for name in names:
        if name in schema:
            return schema[name]
    expect(False, expected=f"a table `{names[0]}`", got=f"tables {sorted(schema)}")
    raise AssertionError  # unreachable: expect(False, ...) raises


async def count_rows(ctx: Check, names: tuple[str, ...]) -> int:
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.connect() as connection:
            present = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            name = next((candidate for candidate in names if candidate in present), names[0])
            count = await connection.scalar(select(func.count()).select_from(table(name)))
    finally:
        await engine.dispose()
    return int(count or 0)


async def new_project(client: httpx.AsyncClient, name: str = "Apollo") -> int:
    response = await client.post("/projects", json={"name": name})
    expect_status(response, 201, because="a valid project is created")
    project_id: int = json_body(response)["id"]
    return project_id


@check("12.2", baseline=True)
async def tasks_filter_by_status_and_project(ctx: Check) -> None:
    """Tasks list back filtered by status, by project, and by both."""
    async with ctx.client() as client:
        apollo = await new_project(client, "Apollo")
        gemini = await new_project(client, "Gemini")
        for project, title, status in [
            (apollo, "design", "done"),
            (apollo, "build", "open"),
            (gemini, "launch", "done"),
        ]:
            created = await client.post(
                f"/projects/{project}/tasks", json={"title": title, "status": status}
            )
            expect_status(created, 201, because="a valid task is created")
        done = await client.get("/tasks", params={"status": "done"})
        both = await client.get("/tasks", params={"status": "done", "project_id": apollo})
    expect_status(done, 200)
    expect_status(both, 200)
    done_titles = [task.get("title") for task in json_body(done)]
    both_titles = [task.get("title") for task in json_body(both)]
    expect(
        done_titles == ["design", "launch"],
        expected="the two done tasks, in order",
        got=done_titles,
        response=done,
    )
    expect(
        both_titles == ["design"], expected="Apollo's one done task", got=both_titles, response=both
    )


@check("12.1")
async def the_schema_declares_unique_keys_and_foreign_keys(ctx: Check) -> None:
    """The database holds the keys: unique project names and task titles, a task -> project FK.

    Reflected from the real schema: project.name is unique, (project_id, title) is unique in
    task, and task.project_id is a foreign key to project.id.
    """
    schema = await reflect(ctx)
    project, task = find(schema, PROJECT), find(schema, TASK)
    missing = []
    if ("name",) not in project.unique_column_sets():
        missing.append(f"{project.name}.name has no unique constraint")
    if not {("project_id", "title"), ("title", "project_id")} & task.unique_column_sets():
        missing.append(f"{task.name} has no unique constraint on (project_id, title)")
    if f"{project.name}.id" not in task.references("project_id"):
        missing.append(f"{task.name}.project_id is no foreign key to {project.name}.id")
    expect(
        not missing,
        expected="a unique constraint on project.name and on task (project_id, title), "
        "and a foreign key task.project_id -> project.id",
        got="; ".join(missing),
    )


@check("12.1")
async def concurrent_duplicates_store_one_row(ctx: Check) -> None:
    """Ten concurrent requests for the same task: one 201, nine 409, one row stored."""
    async with ctx.client() as client:
        project_id = await new_project(client)
        # Open a few pooled connections first, so the creates below really run side by side.
        await asyncio.gather(*(client.get("/tasks") for _ in range(CONCURRENT_REQUESTS)))
        responses = await asyncio.gather(
            *(
                client.post(f"/projects/{project_id}/tasks", json={"title": "write the spec"})
                for _ in range(CONCURRENT_REQUESTS)
            )
        )
    statuses = Counter(response.status_code for response in responses)
    stored = await count_rows(ctx, TASK)
    expect(
        statuses == Counter({201: 1, 409: CONCURRENT_REQUESTS - 1}) and stored == 1,
        expected=f"one 201 and {CONCURRENT_REQUESTS - 1} times 409, and one task row: only a "
        "unique constraint decides a race between requests",
        # In words that do not depend on how the race happened to run this time.
        got="more than one row stored for the same title"
        if stored > 1
        else "answers other than one 201 and 409 for the rest (a 5xx, or a second 201)",
    )


@check("12.2")
async def filtered_columns_lead_an_index(ctx: Check) -> None:
    """task.status and task.project_id, both filtered by GET /tasks, each lead an index."""
    task = find(await reflect(ctx), TASK)
    leading = task.leading_columns()
    unindexed = [column for column in ("status", "project_id") if column not in leading]
    expect(
        not unindexed,
        expected="an index whose first column is task.status, and one led by task.project_id",
        got=f"no index led by {', '.join(unindexed)}; indexes: "
        + (", ".join(f"{ix['name']} {ix['column_names']}" for ix in task.indexes) or "none"),
    )


@check("12.3")
async def every_key_and_index_is_named_by_the_convention(ctx: Check) -> None:
    """Every key and index in the database has the name the app's naming convention gives it.

    Primary keys, unique keys, foreign keys and indexes, as reflected from the database, against
    the names the `MetaData(naming_convention=...)` of the app's models produces for them.
    """
    schema = await reflect(ctx)
    convention = naming_convention_of_the_app()
    problems = [
        problem
        for kind, where, actual, wanted in pair_with_convention(schema, convention)
        if (problem := naming_problem(kind, where, actual, wanted))
    ]
    expect(
        not problems,
        expected="every key and index named by an explicit naming convention with a template "
        "for pk, uq, fk and ix",
        got=f"naming_convention={convention}; " + "; ".join(problems),
    )


@check("12.4")
async def tables_are_singular_snake_case_and_datetimes_end_in_at(ctx: Check) -> None:
    """Tables are named in singular snake_case, and every datetime column ends in `_at`."""
    schema = await reflect(ctx)
    problems = [
        f"table {name} is not singular snake_case"
        for name in schema
        if not is_singular_snake_case(name)
    ]
    problems += [
        f"{item.name}.{column['name']} holds a datetime but does not end in _at"
        for item in schema.values()
        for column in item.columns
        if isinstance(column["type"], sqltypes.DateTime) and not column["name"].endswith("_at")
    ]
    expect(
        not problems,
        expected="tables like `project` and `task`, datetime columns like `created_at`",
        got="; ".join(problems),
    )


@check("12.5")
async def a_duplicate_project_is_a_409_problem(ctx: Check) -> None:
    """Creating a project whose name is taken answers 409 with a JSON body that shows no SQL."""
    async with ctx.client() as client:
        await new_project(client, "Apollo")
        response = await client.post("/projects", json={"name": "Apollo"})
    expect_status(response, 409, because="the name is taken: the client must pick another")
    body = json_body(response)
    leaked = [word for word in SQL_LEAKS if word in response.text.lower()]
    expect(
        isinstance(body, dict) and not leaked,
        expected="a JSON object (a problem: title, status, detail) that says what clashed, "
        "without the database's error text",
        got=f"leaked {leaked}: {response.text}" if leaked else response.text,
        response=response,
    )


def naming_convention_of_the_app() -> dict[str, Any]:
    """The naming convention of the MetaData the app's models are declared on."""
    metadatas = [
        metadata
        for name, module in list(sys.modules.items())
        if name == "app" or name.startswith("app.")
        for value in vars(module).values()
        if isinstance(value, type)
        and isinstance(metadata := getattr(value, "metadata", None), MetaData)
    ]
    expect(bool(metadatas), expected="models on a declarative base", got="none found")
    richest = max(metadatas, key=lambda metadata: len(metadata.tables))
    return dict(richest.naming_convention)


def pair_with_convention(
    schema: dict[str, Reflected], convention: dict[str, Any]
) -> Iterable[tuple[str, str, str | None, str | None]]:
    """(kind, where, name in the database, name the convention gives) for every key and index.

    The wanted names come from SQLAlchemy itself: the reflected structure is rebuilt, unnamed,
    on a fresh MetaData carrying the app's convention, which names each piece as it attaches.
    """
    metadata = MetaData(naming_convention=convention)
    tables = {
        item.name: Table(item.name, metadata, *(Column(c["name"], Integer) for c in item.columns))
        for item in schema.values()
    }
    for item in schema.values():
        rebuilt = tables[item.name]
        pk_columns = item.primary_key.get("constrained_columns") or []
        if pk_columns:
            key = PrimaryKeyConstraint(*pk_columns)
            rebuilt.append_constraint(key)
            yield (
                "primary key",
                f"{item.name} ({', '.join(pk_columns)})",
                item.primary_key.get("name"),
                plain(key.name),
            )
        for unique in item.uniques:
            constraint = UniqueConstraint(*unique["column_names"])
            rebuilt.append_constraint(constraint)
            yield (
                "unique key",
                f"{item.name} ({', '.join(unique['column_names'])})",
                unique.get("name"),
                plain(constraint.name),
            )
        for foreign in item.foreign_keys:
            referred = [f"{foreign['referred_table']}.{c}" for c in foreign["referred_columns"]]
            if foreign["referred_table"] not in tables:
                continue
            fk = ForeignKeyConstraint(foreign["constrained_columns"], referred)
            rebuilt.append_constraint(fk)
            yield (
                "foreign key",
                f"{item.name} ({', '.join(foreign['constrained_columns'])})",
                foreign.get("name"),
                plain(fk.name),
            )
        for index in item.indexes:
            columns = [rebuilt.c[name] for name in index["column_names"] if name in rebuilt.c]
            if not columns or len(columns) != len(index["column_names"]):
                continue  # an expression index: its name is the author's choice
            made = Index(None, *columns, unique=bool(index["unique"]))
            yield (
                "index",
                f"{item.name} ({', '.join(index['column_names'])})",
                index.get("name"),
                plain(made.name),
            )


def plain(name: object) -> str | None:
    return str(name) if isinstance(name, str) else None


def naming_problem(kind: str, where: str, actual: str | None, wanted: str | None) -> str:
    if wanted is None:
        chosen = f"the database calls it {actual}" if actual else "it has no name"
        return f"{kind} on {where}: the convention has no template for it ({chosen})"
    if actual != wanted:
        return f"{kind} on {where} is named {actual}, the convention gives {wanted}"
    return ""


def is_singular_snake_case(name: str) -> bool:
    last_word = name.rsplit("_", 1)[-1]
    plural = last_word.endswith("s") and not last_word.endswith(("ss", "us", "is"))
    return bool(SNAKE_CASE.match(name)) and not plural
