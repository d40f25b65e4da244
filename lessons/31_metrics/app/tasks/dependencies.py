"""How a route gets the app's task store (the checks override `get_task_store`)."""

from typing import Annotated

from fastapi import Depends, Request

from app.tasks.store import TaskStore


def get_task_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


TaskStoreDep = Annotated[TaskStore, Depends(get_task_store)]
