"""The HTTP edge of tasks: parse the request, call the service, map domain errors to statuses."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, status
from fastapi.responses import JSONResponse

from app.tasks.dependencies import TaskServiceDep
from app.tasks.exceptions import TaskNotFoundError
from app.tasks.schemas import ErrorMessage, TaskCreate, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"])

# Ids are 32-bit integers in the database: a larger one could never exist.
TaskId = Annotated[int, Path(gt=0, le=2_147_483_647)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        400: {"model": ErrorMessage, "description": "The body is not JSON"},
        409: {
            "model": ErrorMessage,
            "description": "The assignee has as many open tasks as allowed",
        },
    },
)
async def create_task(payload: TaskCreate, service: TaskServiceDep) -> TaskRead:
    return await service.create(payload)


@router.get("")
async def list_tasks(service: TaskServiceDep) -> list[TaskRead]:
    return await service.list_all()


@router.get(
    "/{task_id}", responses={404: {"model": ErrorMessage, "description": "No task has this id"}}
)
async def read_task(task_id: TaskId, service: TaskServiceDep) -> TaskRead:
    return await service.get(task_id)


@router.post(
    "/{task_id}/complete",
    responses={
        404: {"model": ErrorMessage, "description": "No task has this id"},
        409: {"model": ErrorMessage, "description": "The task is already done"},
    },
)
async def complete_task(task_id: TaskId, service: TaskServiceDep) -> TaskRead:
    return await service.complete(task_id)


async def task_error_handler(request: Request, error: Exception) -> JSONResponse:
    """Registered on the app for TaskError: the one place where domain meets HTTP."""
    return JSONResponse(status_code=status.HTTP_400_BAD_REQUEST, content={"detail": str(error)})


def status_for(error: Exception) -> int:
    if isinstance(error, TaskNotFoundError):
        return status.HTTP_404_NOT_FOUND
    # Every other task error is a rule the current state forbids.
    return status.HTTP_409_CONFLICT
