"""Tests that hold whatever else is in the database."""

from fastapi.testclient import TestClient
import pytest

PUBLIC_FIELDS = {"id", "title", "priority", "is_done"}


def test_create_answers_201_with_the_task(client: TestClient) -> None:
    response = client.post("/tasks", json={"title": "Write the notes", "priority": 2})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == PUBLIC_FIELDS
    assert (body["title"], body["priority"], body["is_done"]) == ("Write the notes", 2, False)


def test_a_created_task_reads_back(client: TestClient) -> None:
    created = (client.post("/tasks", json={"title": "Read me back"})).json()
    response = client.get(f"/tasks/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize("body", [{}, {"title": ""}, {"title": "x" * 201}, {"title": "ok", "priority": 9}])
def test_invalid_tasks_are_refused(client: TestClient, body: dict[str, object]) -> None:
    assert (client.post("/tasks", json=body)).status_code == 422
