"""Checks for lesson 19: an Idempotency-Key makes a create safe to retry.

A replay is judged by what a client sees (status and JSON body) and by how many tasks exist
afterwards. Concurrency is real: requests with one key are sent together with
`asyncio.gather`, on SQLite and, when configured, on PostgreSQL.
"""

import asyncio
import itertools
from typing import Any

import httpx

from workbook.harness import Check, check, error_fields, expect, expect_status, json_body

CONCURRENT_REQUESTS = 10


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
    """A create sent twice with one key answers the same status and body; one task exists."""
    key = new_key()
    async with ctx.client() as client:
        project_id = await new_project(client)
        first = await create_task(client, project_id, "design", key)
        retry = await create_task(client, project_id, "design", key)
        tasks = await stored_tasks(client, project_id)
    expect_status(first, 201, because="a valid task is created")
    expect(
        len(tasks) == 1,
        expected="one task after a retry with the same Idempotency-Key",
        got=f"{len(tasks)} tasks: {titles(tasks)}",
        response=retry,
    )
    expect(
        retry.status_code == first.status_code and json_body(retry) == json_body(first),
        expected=f"the retry to replay the first answer: {first.status_code} {first.text}",
        got=f"{retry.status_code} {retry.text}",
        response=retry,
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
        got=f"{len(tasks)} tasks; statuses {statuses}",
        response=responses[0],
    )
    created = [response for response in responses if response.status_code == 201]
    # A request still in flight under the same key may be answered 409 (retry later).
    others = [response for response in responses if response.status_code not in (201, 409)]
    expect(
        bool(created) and not others,
        expected="201 answers (409 allowed while in flight)",
        got=f"statuses {statuses}",
        response=(others or responses)[0],
    )
    bodies = {response.text for response in created}
    expect(
        all(json_body(response) == json_body(created[0]) for response in created),
        expected="every 201 to carry the same task",
        got=sorted(bodies),
        response=created[-1],
    )
