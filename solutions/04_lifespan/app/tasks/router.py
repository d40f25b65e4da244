"""HTTP routes for tasks."""

from fastapi import APIRouter, HTTPException, status

from app.directory.client import DirectoryUnavailableError
from app.tasks.dependencies import Directory, Repository
from app.tasks.schemas import ErrorMessage, TaskCreate, TaskRead
from app.tasks.service import UnknownAssigneeError, create_task

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        400: {"model": ErrorMessage, "description": "The body is not JSON"},
        502: {"model": ErrorMessage, "description": "The people directory cannot be reached"},
    },
)
async def post_task(payload: TaskCreate, repository: Repository, directory: Directory) -> TaskRead:
    try:
        return await create_task(payload, repository, directory)
    except UnknownAssigneeError as error:
        detail = [{"loc": ["body", "assignee"], "msg": str(error), "type": "unknown_assignee"}]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail) from error
    except DirectoryUnavailableError as error:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, detail="directory unavailable") from error


@router.get("")
async def list_tasks(repository: Repository) -> list[TaskRead]:
    return await repository.list_all()
