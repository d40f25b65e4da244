"""Dependencies shared by every version of the API."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from app.tasks.service import Task, TaskNotFoundError, TaskStore


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


Store = Annotated[TaskStore, Depends(get_store)]


def find_task(task_id: int, store: Store) -> Task:
    try:
        return store.get(task_id)
    except TaskNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Task not found") from None


def complete_task(task_id: int, store: Store) -> Task:
    find_task(task_id, store)
    return store.complete(task_id)
