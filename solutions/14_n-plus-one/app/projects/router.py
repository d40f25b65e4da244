"""HTTP routes for projects."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.projects import repository
from app.projects.schemas import ProjectWithTasks

router = APIRouter(prefix="/projects", tags=["projects"])


@router.get("")
async def list_projects(
    session: SessionDep, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> list[ProjectWithTasks]:
    projects = await repository.list_projects(session, limit)
    return [ProjectWithTasks.model_validate(project) for project in projects]
