"""Version 2 routes: the current contract."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from app.api.v2.schemas import TaskCreateV2, TaskListV2, TaskV2
from app.tasks.dependencies import complete_task, find_task, get_store
from app.tasks.service import Task, TaskStore

router = APIRouter(prefix="/tasks", tags=["tasks v2"])


def get_store_v2(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store_v2
    return store


Store = Annotated[TaskStore, Depends(get_store_v2)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_task(payload: TaskCreateV2, store: Store) -> TaskV2:
    return TaskV2.of(store.add(payload.title, payload.assignee))


@router.get("")
def list_tasks(store: Store) -> TaskListV2:
    tasks = [TaskV2.of(task) for task in store.all()]
    return TaskListV2(items=tasks, count=len(tasks))


@router.get("/{task_id}", responses={404: {"description": "No such task"}})
def read_task(task: Annotated[Task, Depends(find_task)]) -> TaskV2:
    return TaskV2.of(task)


@router.post("/{task_id}/complete", responses={404: {"description": "No such task"}})
def complete(task: Annotated[Task, Depends(complete_task)]) -> TaskV2:
    return TaskV2.of(task)
