"""HTTP routes for projects and their tasks."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import get_session
from app.tasks import repository
from app.tasks.models import Project
from app.tasks.schemas import ProjectCreate, ProjectRead, TaskCreate, TaskRead

router = APIRouter(prefix="/projects", tags=["projects"])
# Ids are 32-bit integer keys: a larger number is a 422, not a database overflow.
ProjectId = Annotated[int, Path(gt=0, le=2**31 - 1)]
Session = Annotated[AsyncSession, Depends(get_session)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_project(payload: ProjectCreate, session: Session) -> ProjectRead:
    project = await repository.add_project(session, payload.name)
    return ProjectRead.model_validate(project)


@router.get("/{project_id}")
async def read_project(project_id: ProjectId, session: Session) -> ProjectRead:
    return ProjectRead.model_validate(await find_project(session, project_id))


@router.post("/{project_id}/tasks", status_code=status.HTTP_201_CREATED)
async def create_task(project_id: ProjectId, payload: TaskCreate, session: Session) -> TaskRead:
    project = await find_project(session, project_id)
    task = await repository.add_task(session, project, payload.title)
    return TaskRead.model_validate(task)


@router.get("/{project_id}/tasks")
async def list_tasks(project_id: ProjectId, session: Session) -> list[TaskRead]:
    project = await find_project(session, project_id)
    tasks = await repository.list_tasks(session, project)
    return [TaskRead.model_validate(task) for task in tasks]


async def find_project(session: AsyncSession, project_id: int) -> Project:
    project = await repository.get_project(session, project_id)
    if project is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found")
    return project
