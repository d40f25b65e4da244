"""HTTP routes for projects and their tasks."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import SessionDep
from app.tasks import repository
from app.tasks.models import Project
from app.tasks.schemas import ErrorMessage, ProjectCreate, ProjectRead, TaskCreate, TaskRead

# Every answer a route can give is in the contract: FastAPI answers 400 to a body it cannot
# decode, and a missing project is a 404.
MALFORMED: dict[int | str, dict[str, object]] = {
    status.HTTP_400_BAD_REQUEST: {"model": ErrorMessage, "description": "Body is not JSON"}
}
NOT_FOUND: dict[int | str, dict[str, object]] = {
    status.HTTP_404_NOT_FOUND: {"model": ErrorMessage, "description": "No such project"}
}
router = APIRouter(prefix="/projects", tags=["projects"])
# Ids are 32-bit integer keys: a larger number is a 422, not a database overflow.
ProjectId = Annotated[int, Path(gt=0, le=2**31 - 1)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=MALFORMED)
async def create_project(payload: ProjectCreate, session: SessionDep) -> ProjectRead:
    project = await repository.add_project(session, payload.name)
    return ProjectRead.model_validate(project)


@router.post(
    "/{project_id}/tasks",
    status_code=status.HTTP_201_CREATED,
    responses={**MALFORMED, **NOT_FOUND},
)
async def create_task(project_id: ProjectId, payload: TaskCreate, session: SessionDep) -> TaskRead:
    project = await find_project(session, project_id)
    task = await repository.add_task(session, project, payload.title)
    return TaskRead.model_validate(task)


@router.get("/{project_id}/tasks", responses=NOT_FOUND)
async def list_tasks(project_id: ProjectId, session: SessionDep) -> list[TaskRead]:
    project = await find_project(session, project_id)
    tasks = await repository.list_tasks(session, project)
    return [TaskRead.model_validate(task) for task in tasks]


async def find_project(session: AsyncSession, project_id: int) -> Project:
    project = await repository.get_project(session, project_id)
    if project is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found")
    return project
