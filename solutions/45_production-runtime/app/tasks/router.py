"""HTTP routes for tasks. Each task records the client address it came from (audit)."""

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, StringConstraints

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/tasks", tags=["tasks"])

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title


class TaskRead(BaseModel):
    id: int
    title: str
    created_from: str


def get_tasks(request: Request) -> dict[int, TaskRead]:
    tasks: dict[int, TaskRead] = request.state.tasks
    return tasks


Tasks = Annotated[dict[int, TaskRead], Depends(get_tasks)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_task(
    payload: TaskCreate, request: Request, response: Response, tasks: Tasks
) -> TaskRead:
    # Behind a trusted proxy, request.client is the original client (X-Forwarded-For) and
    # url_for's scheme is the one the client used (X-Forwarded-Proto).
    client = request.client.host if request.client else "unknown"
    task = TaskRead(id=len(tasks) + 1, title=payload.title, created_from=client)
    tasks[task.id] = task
    response.headers["Location"] = str(request.url_for("read_task", task_id=task.id))
    logger.info("task %d created from %s", task.id, client)
    return task


@router.get("/{task_id}", responses={404: {"description": "No task with this id"}})
def read_task(task_id: int, tasks: Tasks) -> TaskRead:
    task = tasks.get(task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Task not found")
    return task
