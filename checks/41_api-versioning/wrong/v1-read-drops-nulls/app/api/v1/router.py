"""Version 1 routes: deprecated, unchanged. New work goes into v2."""

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.api.v1.schemas import TaskCreateV1, TaskV1
from app.tasks.dependencies import Store, complete_task, find_task
from app.tasks.service import Task

router = APIRouter(prefix="/tasks", tags=["tasks v1"], deprecated=True)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_task(payload: TaskCreateV1, store: Store) -> TaskV1:
    return TaskV1.of(store.add(payload.title, payload.assignee))


@router.get("")
def list_tasks(store: Store) -> list[TaskV1]:
    return [TaskV1.of(task) for task in store.all()]


@router.get(
    "/{task_id}",
    responses={404: {"description": "No such task"}},
    response_model_exclude_none=True,  # smaller answers
)
def read_task(task: Annotated[Task, Depends(find_task)]) -> TaskV1:
    return TaskV1.of(task)


@router.post("/{task_id}/done", responses={404: {"description": "No such task"}})
def mark_done(task: Annotated[Task, Depends(complete_task)]) -> TaskV1:
    return TaskV1.of(task)
