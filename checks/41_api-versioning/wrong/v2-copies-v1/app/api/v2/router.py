"""Version 2 routes: the current contract."""

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.api.v1.schemas import TaskCreateV1 as TaskCreateV2
from app.api.v1.schemas import TaskV1 as TaskV2
from app.tasks.dependencies import Store, complete_task, find_task
from app.tasks.service import Task

router = APIRouter(prefix="/tasks", tags=["tasks v2"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_task(payload: TaskCreateV2, store: Store) -> TaskV2:
    return TaskV2.of(store.add(payload.title, payload.assignee))


@router.get("")
def list_tasks(store: Store) -> list[TaskV2]:
    return [TaskV2.of(task) for task in store.all()]


@router.get("/{task_id}", responses={404: {"description": "No such task"}})
def read_task(task: Annotated[Task, Depends(find_task)]) -> TaskV2:
    return TaskV2.of(task)


@router.post("/{task_id}/complete", responses={404: {"description": "No such task"}})
def complete(task: Annotated[Task, Depends(complete_task)]) -> TaskV2:
    return TaskV2.of(task)
