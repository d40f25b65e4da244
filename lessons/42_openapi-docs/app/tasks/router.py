"""HTTP routes for tasks."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.tasks.schemas import TaskCreate
from app.tasks.service import TaskStore

router = APIRouter(prefix="/tasks")


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


Store = Annotated[TaskStore, Depends(get_store)]


@router.post("")
def create_task(payload: TaskCreate, store: Store, response: Response):
    task = store.add(payload.title, payload.priority)
    response.status_code = 201
    response.headers["Location"] = f"/tasks/{task.id}"
    return asdict(task)


@router.get("")
def list_tasks(store: Store, limit: Annotated[int, Query(ge=1, le=100)] = 20):
    return [asdict(task) for task in store.first(limit)]


@router.get("/{task_id}")
def read_task(task_id: int, store: Store):
    return asdict(store.get(task_id))


@router.post("/{task_id}/complete")
def complete_task(task_id: int, store: Store):
    return asdict(store.complete(task_id))


@router.delete("/{task_id}")
def delete_task(task_id: int, store: Store):
    store.remove(task_id)
    return Response(status_code=204)
