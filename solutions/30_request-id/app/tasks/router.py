"""HTTP routes for tasks."""

import logging

from fastapi import APIRouter, HTTPException, status

from app.core.config import get_settings
from app.tasks.dependencies import HttpClientDep, TaskStoreDep
from app.tasks.events import publish_task_created
from app.tasks.schemas import ErrorMessage, TaskCreate, TaskRead
from app.tasks.store import TaskNotFoundError

router = APIRouter(prefix="/tasks", tags=["tasks"])
logger = logging.getLogger(__name__)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
async def create_task(
    payload: TaskCreate, store: TaskStoreDep, http_client: HttpClientDep
) -> TaskRead:
    task = store.add(payload.title)
    logger.info("task created", extra={"task_id": task.id})
    await publish_task_created(http_client, get_settings().webhook_url, task)
    return task


@router.get("")
async def list_tasks(store: TaskStoreDep) -> list[TaskRead]:
    return store.list()


@router.get(
    "/{task_id}", responses={404: {"model": ErrorMessage, "description": "No task has this id"}}
)
async def get_task(task_id: int, store: TaskStoreDep) -> TaskRead:
    try:
        return store.get(task_id)
    except TaskNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} not found") from None
