"""What routes get from the running app (the checks override `get_task_store`)."""

from typing import Annotated

import httpx
from fastapi import Depends, Request

from app.tasks.store import TaskStore


def get_task_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


def get_http_client(request: Request) -> httpx.AsyncClient:
    client: httpx.AsyncClient = request.state.http_client
    return client


TaskStoreDep = Annotated[TaskStore, Depends(get_task_store)]
HttpClientDep = Annotated[httpx.AsyncClient, Depends(get_http_client)]
