"""The tasks API, as its contract says: statuses, validation, fields, pages, isolation."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.tasks.models import Task

PUBLIC_FIELDS = {"id", "title", "priority", "is_done"}


async def test_create_answers_201_with_the_task(client: httpx.AsyncClient) -> None:
    response = await client.post("/tasks", json={"title": "Write the notes", "priority": 2})
    assert response.status_code == 201
    assert response.json() == {"id": 1, "title": "Write the notes", "priority": 2, "is_done": False}


async def test_a_created_task_reads_back(client: httpx.AsyncClient) -> None:
    created = (await client.post("/tasks", json={"title": "Read me back"})).json()
    response = await client.get(f"/tasks/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


async def test_answers_never_show_the_edit_token(client: httpx.AsyncClient) -> None:
    created = await client.post("/tasks", json={"title": "Private"})
    assert set(created.json()) == PUBLIC_FIELDS
    assert set((await client.get("/tasks/1")).json()) == PUBLIC_FIELDS
    assert all(set(item) == PUBLIC_FIELDS for item in (await client.get("/tasks")).json()["items"])


@pytest.mark.parametrize(
    "body",
    [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 201}, {"title": "ok", "priority": 0},
     {"title": "ok", "priority": 6}, {"title": "ok", "owner": "ada"}],
)
async def test_invalid_tasks_are_refused_and_not_stored(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    response = await client.post("/tasks", json=body)
    assert response.status_code == 422


async def test_a_missing_task_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/tasks/1")
    assert response.status_code == 404


async def test_pages_split_the_tasks_in_id_order(client: httpx.AsyncClient) -> None:
    for number in range(1, 6):
        await client.post("/tasks", json={"title": f"task {number}"})
    first = (await client.get("/tasks", params={"page": 1, "size": 2})).json()
    second = (await client.get("/tasks", params={"page": 2, "size": 2})).json()
    last = (await client.get("/tasks", params={"page": 3, "size": 2})).json()
    assert [item["title"] for item in first["items"]] == ["task 1", "task 2"]
    assert [item["title"] for item in second["items"]] == ["task 3", "task 4"]
    assert [item["title"] for item in last["items"]] == ["task 5"]
    assert first["total"] == 5


async def test_seeded_rows_are_served(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        session.add(Task(title="Seeded directly", priority=5, is_done=True))
        await session.commit()
    response = await client.get("/tasks/1")
    assert response.json() == {"id": 1, "title": "Seeded directly", "priority": 5, "is_done": True}
