"""Tests for the tasks API. They run, and they pass. Do they prove anything?"""

import pytest
from fastapi.testclient import TestClient

from app.main import app

created_id = None


@pytest.fixture(scope="module")
def client():
    with TestClient(app) as client:
        yield client


def test_create_task(client):
    global created_id
    response = client.post("/tasks", json={"title": "Write the notes"})
    assert response.status_code < 300
    created_id = response.json()["id"]


def test_read_task(client):
    # Needs the task test_create_task made.
    response = client.get(f"/tasks/{created_id}")
    assert response.status_code == 200
    assert response.json()["title"] == "Write the notes"


def test_list_tasks(client):
    response = client.get("/tasks")
    assert response.status_code == 200
    assert len(response.json()["items"]) >= 1
