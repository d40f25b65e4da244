"""Every status code is checked; no body is."""

import httpx


async def test_create_answers_201(client: httpx.AsyncClient) -> None:
    response = await client.post("/tasks", json={"title": "Write the notes"})
    assert response.status_code == 201


async def test_read_answers_200(client: httpx.AsyncClient) -> None:
    await client.post("/tasks", json={"title": "Read me"})
    assert (await client.get("/tasks/1")).status_code == 200


async def test_list_answers_200(client: httpx.AsyncClient) -> None:
    for number in range(3):
        await client.post("/tasks", json={"title": f"task {number}"})
    assert (await client.get("/tasks", params={"page": 1, "size": 2})).status_code == 200


async def test_invalid_titles_are_422(client: httpx.AsyncClient) -> None:
    for title in ("", "   ", "x" * 201):
        assert (await client.post("/tasks", json={"title": title})).status_code == 422
