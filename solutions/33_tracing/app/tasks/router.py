"""HTTP routes for tasks."""

import logging

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from app.core.config import get_settings
from app.core.db import SessionDep
from app.tasks.dependencies import HttpClientDep
from app.tasks.events import publish_task_created
from app.tasks.models import Task
from app.tasks.schemas import ErrorMessage, TaskCreate, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"])
logger = logging.getLogger(__name__)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
async def create_task(
    payload: TaskCreate, session: SessionDep, http_client: HttpClientDep
) -> TaskRead:
    task = Task(title=payload.title)
    session.add(task)
    await session.commit()
    created = TaskRead.model_validate(task)
    logger.info("task created", extra={"task_id": created.id})
    await publish_task_created(http_client, get_settings().webhook_url, created)
    return created


@router.get(
    "/{task_id}", responses={404: {"model": ErrorMessage, "description": "No task has this id"}}
)
async def get_task(task_id: int, session: SessionDep) -> TaskRead:
    task = await session.get(Task, task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} not found")
    return TaskRead.model_validate(task)


@router.get("")
async def list_tasks(session: SessionDep) -> list[TaskRead]:
    tasks = await session.scalars(select(Task).order_by(Task.id))
    return [TaskRead.model_validate(task) for task in tasks]
