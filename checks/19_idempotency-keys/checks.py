"""Checks for lesson 19: an Idempotency-Key makes a create safe to retry.

A replay is judged by what a client sees (status and body bytes) and by how many tasks exist
afterwards; the task is changed in the database before a retry, so that only a stored response
replays the first answer. Concurrency is real: requests with one key are sent together with
`asyncio.gather`, on SQLite and, when configured, on PostgreSQL, within one app and across two
apps imported apart (two worker processes, each with module state of its own, sharing the
database).
"""

import asyncio
import itertools
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.harness import Check, check, error_fields, expect, expect_status, json_body

CONCURRENT_REQUESTS = 10
# Races between two workers: several keys, so that one lucky interleaving proves nothing.
WORKER_RACES = 4


_keys = itertools.count(1)


def new_key() -> str:
    """A fresh key; the same sequence on every run, so reports stay comparable."""
    return f"3f1c9a52-key-{next(_keys):04d}"


async def new_project(client: httpx.AsyncClient) -> int:
    response = await client.post("/projects", json={"name": "Apollo"})
    expect_status(response, 201, because="a valid project is created")
    project_id: int = json_body(response)["id"]
    return project_id


async def create_task(
    client: httpx.AsyncClient, project_id: int, title: str, key: str | None = None
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return await client.post(
        f"/projects/{project_id}/tasks", json={"title": title}, headers=headers
    )


async def stored_tasks(client: httpx.AsyncClient, project_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/projects/{project_id}/tasks")
    expect_status(response, 200, because="the project's tasks can be listed")
    tasks: list[dict[str, Any]] = json_body(response)
    return tasks


def titles(tasks: list[dict[str, Any]]) -> list[str]:
    return [str(task.get("title")) for task in tasks]


def how_many(tasks: list[dict[str, Any]]) -> str:
    """How many tasks, in words that do not vary with the timing of a race."""
    return {0: "no task", 1: "one task"}.get(len(tasks), "more than one task")


def answer(response: httpx.Response) -> str:
    return f"{response.status_code} {response.text}"


async def change_task_in_database(ctx: Check, task_id: int) -> None:
    """Rename the task and mark it done behind the API's back, as a later update would."""
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE task SET title = :title, is_done = :done WHERE id = :id"),
                {"title": "changed since", "done": True, "id": task_id},
            )
    finally:
        await engine.dispose()


@check("19.1", baseline=True)
async def tasks_are_created_and_listed(ctx: Check) -> None:
    """A create without a key answers 201 with the task; the list shows it."""
    async with ctx.client() as client:
        project_id = await new_project(client)
        created = await create_task(client, project_id, "design")
        tasks = await stored_tasks(client, project_id)
    expect_status(created, 201, because="a valid task is created")
    expect(
        titles(tasks) == ["design"],
        expected="the one task created",
        got=titles(tasks),
        response=created,
    )


# A project id no check creates through the API: the failed-create check adds it behind the
# API's back, so that the very same request can be retried once the project exists.
LATE_PROJECT = 424242


async def add_project_in_database(ctx: Check, project_id: int) -> None:
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO project (id, name) VALUES (:id, :name)"),
                {"id": project_id, "name": "Gemini"},
            )
    finally:
        await engine.dispose()


@check("19.1", baseline=True)
async def a_failed_create_stores_nothing_under_its_key(ctx: Check) -> None:
    """A keyed create that fails (no such project, 404) stores nothing: its retry creates."""
    key = new_key()
    async with ctx.client() as client:
        await new_project(client)
        failed = await create_task(client, LATE_PROJECT, "design", key)
        expect_status(failed, 404, because=f"project {LATE_PROJECT} does not exist yet")
        await add_project_in_database(ctx, LATE_PROJECT)
        retry = await create_task(client, LATE_PROJECT, "design", key)
        tasks = await stored_tasks(client, LATE_PROJECT)
    expect(
        retry.status_code == 201 and titles(tasks) == ["design"],
        expected=f"the same request, retried once project {LATE_PROJECT} exists, to create the "
        "task (201): a create that failed rolled back and stored nothing under its key",
        got=f"{answer(retry)}; tasks: {titles(tasks)}",
        response=retry,
    )


@check("19.1", baseline=True)
async def different_keys_are_different_creates(ctx: Check) -> None:
    """Two creates with the same body but different keys make two tasks."""
    async with ctx.client() as client:
        project_id = await new_project(client)
        first = await create_task(client, project_id, "design", new_key())
        second = await create_task(client, project_id, "design", new_key())
        tasks = await stored_tasks(client, project_id)
    expect_status(first, 201, because="a new key is a new create")
    expect_status(second, 201, because="another new key is another create")
    expect(
        len(tasks) == 2,
        expected="two tasks: a key, not a body, identifies a request",
        got=titles(tasks),
        response=second,
    )


@check("19.1")
async def a_retry_replays_the_stored_response(ctx: Check) -> None:
    """A retry with one key answers the first status and bytes, even once the task has changed.

    One task exists; the task is renamed in the database before the last retry, so that
    re-reading the task instead of replaying the stored response shows.
    """
    key = new_key()
    async with ctx.client() as client:
        project_id = await new_project(client)
        first = await create_task(client, project_id, "design", key)
        expect_status(first, 201, because="a valid task is created")
        retry = await create_task(client, project_id, "design", key)
        tasks = await stored_tasks(client, project_id)
        expect(
            len(tasks) == 1,
            expected="one task after a retry with the same Idempotency-Key",
            got=f"{len(tasks)} tasks: {titles(tasks)}",
            response=retry,
        )
        expect(
            retry.status_code == first.status_code and retry.content == first.content,
            expected=f"the retry to replay the first answer byte for byte: {answer(first)}",
            got=answer(retry),
            response=retry,
        )
        await change_task_in_database(ctx, json_body(first)["id"])
        later = await create_task(client, project_id, "design", key)
    expect(
        later.status_code == first.status_code and later.content == first.content,
        expected="a retry after the task changed (renamed and done, in the database) to "
        f"replay the stored first answer, not the task as it is now: {answer(first)}",
        got=answer(later),
        response=later,
    )


@check("19.2")
async def a_key_reused_for_another_body_is_refused(ctx: Check) -> None:
    """A key sent again with another body, or to another path, gets 422 and creates nothing."""
    key = new_key()
    async with ctx.client() as client:
        project_id = await new_project(client)
        other_project = await new_project(client)
        first = await create_task(client, project_id, "design", key)
        reused = await create_task(client, project_id, "deploy", key)
        elsewhere = await create_task(client, other_project, "design", key)
        retry = await create_task(client, project_id, "design", key)
        tasks = await stored_tasks(client, project_id)
        other_tasks = await stored_tasks(client, other_project)
    expect_status(first, 201, because="a valid task is created")
    expect_status(reused, 422, because="the key already stands for a request with another body")
    expect(
        titles(tasks) == ["design"],
        expected="only the first task: a refused request creates nothing",
        got=titles(tasks),
        response=reused,
    )
    expect_status(
        elsewhere,
        422,
        because="the key stands for a create in another project: the fingerprint covers the "
        "method, the path and the body",
    )
    expect(
        not other_tasks,
        expected="no task created in the other project",
        got=titles(other_tasks),
        response=elsewhere,
    )
    expect(
        retry.status_code == first.status_code and json_body(retry) == json_body(first),
        expected="the original request, retried after the refusal, to still replay its answer",
        got=f"{retry.status_code} {retry.text}",
        response=retry,
    )


@check("19.2")
async def a_retry_written_differently_is_replayed(ctx: Check) -> None:
    """A retry whose JSON has other whitespace has the same validated body: it is replayed."""
    key = new_key()
    spellings = ('{"title":"design"}', '{ "title" : "design" }\n', '{\n  "title": "design"\n}')
    async with ctx.client() as client:
        project_id = await new_project(client)
        responses = [
            await client.post(
                f"/projects/{project_id}/tasks",
                content=spelling.encode(),
                headers={"Idempotency-Key": key, "Content-Type": "application/json"},
            )
            for spelling in spellings
        ]
        tasks = await stored_tasks(client, project_id)
    first = responses[0]
    expect_status(first, 201, because="a valid task is created")
    for response in responses[1:]:
        expect(
            response.status_code == first.status_code and response.content == first.content,
            expected="the same task written with other whitespace to replay the first answer: "
            f"the fingerprint hashes the validated body, not the bytes sent: {answer(first)}",
            got=answer(response),
            response=response,
        )
    expect(
        len(tasks) == 1,
        expected="one task",
        got=f"{len(tasks)} tasks: {titles(tasks)}",
        response=responses[-1],
    )


@check("19.1")
async def a_malformed_key_is_refused(ctx: Check) -> None:
    """An empty or oversized Idempotency-Key gets a 4xx: no create, no 500."""
    async with ctx.client() as client:
        project_id = await new_project(client)
        empty = await create_task(client, project_id, "design", "")
        oversized = await create_task(client, project_id, "design", "k" * 5000)
        tasks = await stored_tasks(client, project_id)
    for response in (empty, oversized):
        expect(
            400 <= response.status_code < 500,
            expected="a 4xx answer: a key is 1 to 255 characters",
            got=response,
            response=response,
        )
    expect(
        not tasks,
        expected="no task created with a malformed key",
        got=titles(tasks),
        response=oversized,
    )


@check("19.1", baseline=True)
async def a_malformed_body_is_refused(ctx: Check) -> None:
    """A body that does not validate gets 422 naming the field, with or without a key."""
    async with ctx.client() as client:
        project_id = await new_project(client)
        for headers in ({}, {"Idempotency-Key": new_key()}):
            response = await client.post(
                f"/projects/{project_id}/tasks", json={"title": 42}, headers=headers
            )
            expect_status(response, 422, because="a title is text")
            expect(
                "title" in error_fields(json_body(response)),
                expected="the 422 to name `title`",
                got=response,
                response=response,
            )


@check("19.3")
async def concurrent_requests_with_one_key_create_one_task(ctx: Check) -> None:
    """Ten concurrent creates with one key make one task and all answer the same."""
    key = new_key()
    async with ctx.client() as client:
        project_id = await new_project(client)
        responses = await asyncio.gather(
            *(create_task(client, project_id, "design", key) for _ in range(CONCURRENT_REQUESTS))
        )
        tasks = await stored_tasks(client, project_id)
    statuses = sorted(response.status_code for response in responses)
    expect(
        len(tasks) == 1,
        expected=f"one task after {CONCURRENT_REQUESTS} concurrent creates with one key "
        f"({ctx.backend}): the key is unique in the database and stored in the task's "
        "transaction",
        got=f"{how_many(tasks)}; statuses {statuses}",
        response=responses[0],
    )
    first = responses[0]
    expect(
        all(
            response.status_code == 201 and response.content == first.content
            for response in responses
        ),
        expected="every request to answer the same 201 with the same task: a request that "
        "loses the race reads the key again and replays the winner's stored response",
        got=sorted({answer(response) for response in responses}),
        response=next(
            (response for response in responses if response.content != first.content), first
        ),
    )


@check("19.3")
async def a_retry_reaching_another_worker_is_replayed(ctx: Check) -> None:
    """A retry that reaches another worker process (same database) replays the first answer.

    The second worker is the app imported anew: the key must be stored in the database, not
    in the process.
    """
    key = new_key()
    first_worker, second_worker = ctx.fresh_app(), ctx.fresh_app()
    async with ctx.client(first_worker) as first_client, ctx.client(second_worker) as other:
        project_id = await new_project(first_client)
        first = await create_task(first_client, project_id, "design", key)
        retry = await create_task(other, project_id, "design", key)
        tasks = await stored_tasks(other, project_id)
    expect_status(first, 201, because="a valid task is created")
    expect(
        len(tasks) == 1
        and retry.status_code == first.status_code
        and retry.content == first.content,
        expected="a retry sent to a second worker process (same database) to replay the first "
        "answer, one task in all: the key and its response are stored in the database, not in "
        f"the process: {answer(first)}",
        got=f"{answer(retry)}; {len(tasks)} tasks",
        response=retry,
    )


@check("19.3")
async def two_workers_racing_one_key_create_one_task(ctx: Check) -> None:
    """Concurrent creates with one key, over two worker processes, make one task.

    The workers are the app imported twice, sharing one database: a lock or a store in the
    process cannot serialize them, the key's unique constraint can.
    """
    first_worker, second_worker = ctx.fresh_app(), ctx.fresh_app()
    async with ctx.client(first_worker) as first_client, ctx.client(second_worker) as other:
        project_id = await new_project(first_client)
        for race in range(WORKER_RACES):
            key = new_key()
            title = f"design {race}"
            responses = await asyncio.gather(
                *(
                    create_task(client, project_id, title, key)
                    for _ in range(CONCURRENT_REQUESTS // 2)
                    for client in (first_client, other)
                )
            )
            tasks = [
                task for task in await stored_tasks(other, project_id) if task.get("title") == title
            ]
            statuses = sorted(response.status_code for response in responses)
            expect(
                len(tasks) == 1,
                expected=f"one task after {CONCURRENT_REQUESTS} concurrent creates with one key "
                f"sent to two worker processes ({ctx.backend}): a lock or a store in the "
                "process cannot see the other worker; the key's unique constraint can",
                got=f"{how_many(tasks)} for one key; statuses {statuses}",
                response=responses[0],
            )
            first = responses[0]
            expect(
                all(
                    response.status_code == 201 and response.content == first.content
                    for response in responses
                ),
                expected="every request, on either worker, to answer the same 201 with the "
                "same task",
                got=sorted({answer(response) for response in responses}),
                response=first,
            )
