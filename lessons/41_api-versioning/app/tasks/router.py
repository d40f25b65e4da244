"""HTTP routes for tasks."""

from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.tasks.dependencies import Store, complete_task, find_task
from app.tasks.schemas import TaskCreate, TaskList, TaskOut
from app.tasks.service import Task

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_task(payload: TaskCreate, store: Store) -> TaskOut:
    return TaskOut.of(store.add(payload.title, payload.assignee))


@router.get("")
def list_tasks(store: Store) -> TaskList:
    tasks = [TaskOut.of(task) for task in store.all()]
    return TaskList(items=tasks, count=len(tasks))


@router.get("/{task_id}", responses={404: {"description": "No such task"}})
def read_task(task: Annotated[Task, Depends(find_task)]) -> TaskOut:
    return TaskOut.of(task)


# Was POST /tasks/{task_id}/done until last sprint.
@router.post("/{task_id}/complete", responses={404: {"description": "No such task"}})
def complete(task: Annotated[Task, Depends(complete_task)]) -> TaskOut:
    return TaskOut.of(task)
