"""HTTP routes for tasks."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.core.schemas import ErrorBody
from app.tasks.schemas import Assignment, TaskCreate, TaskRead
from app.tasks.service import TaskStore

router = APIRouter(prefix="/tasks", tags=["tasks"])


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


Store = Annotated[TaskStore, Depends(get_store)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_task(payload: TaskCreate, store: Store, response: Response) -> TaskRead:
    task = store.add(payload.title)
    response.headers["Location"] = f"/tasks/{task.id}"
    return TaskRead.model_validate(task)


@router.get("")
def list_tasks(
    store: Store,
    assignee_id: int | None = None,
    is_unassigned: Annotated[bool, Query(alias="unassigned")] = False,
) -> list[TaskRead] | ErrorBody:
    if assignee_id is not None and is_unassigned:
        return ErrorBody(error="filter by assignee_id or unassigned, not both")
    tasks = store.matching(assignee_id, is_unassigned=is_unassigned)
    return [TaskRead.model_validate(task) for task in tasks]


@router.get("/{task_id}")
def read_task(task_id: int, store: Store) -> TaskRead | ErrorBody:
    task = store.get(task_id)
    if task is None:
        return ErrorBody(error=f"task {task_id} not found")
    return TaskRead.model_validate(task)


@router.post("/{task_id}/complete")
def complete_task(task_id: int, store: Store) -> TaskRead | ErrorBody:
    task = store.get(task_id)
    if task is not None:
        if not task.is_done:
            task.is_done = True
            return TaskRead.model_validate(task)
        else:
            return ErrorBody(error=f"task {task_id} is already done")
    return ErrorBody(error=f"task {task_id} not found")


@router.put("/{task_id}/assignee")
def assign_task(task_id: int, payload: Assignment, store: Store) -> TaskRead | ErrorBody:
    task = store.get(task_id)
    if task is not None:
        task.assignee_id = payload.user_id
        if store.is_member(payload.user_id):
            if not task.is_done:
                return TaskRead.model_validate(task)
            else:
                return ErrorBody(error=f"task {task_id} is already done")
        else:
            return ErrorBody(error=f"user {payload.user_id} is not on the team")
    return ErrorBody(error=f"task {task_id} not found")
