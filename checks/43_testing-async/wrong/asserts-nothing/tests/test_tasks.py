"""Every endpoint is called; nothing is checked."""

import httpx


async def test_create(client: httpx.AsyncClient) -> None:
    await client.post("/tasks", json={"title": "Write the notes"})


async def test_read(client: httpx.AsyncClient) -> None:
    await client.post("/tasks", json={"title": "Read me"})
    await client.get("/tasks/1")


async def test_list(client: httpx.AsyncClient) -> None:
    await client.get("/tasks", params={"page": 1, "size": 2})


async def test_invalid(client: httpx.AsyncClient) -> None:
    await client.post("/tasks", json={"title": ""})
