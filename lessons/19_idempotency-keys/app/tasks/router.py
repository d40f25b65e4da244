"""HTTP routes for projects and their tasks."""

from fastapi import APIRouter, HTTPException, status

from app.core.db import SessionDep
from app.tasks import service
from app.tasks.schemas import ProjectCreate, ProjectRead, TaskCreate, TaskRead

router = APIRouter(prefix="/projects", tags=["projects"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_project(payload: ProjectCreate, session: SessionDep) -> ProjectRead:
    return ProjectRead.model_validate(await service.add_project(session, payload.name))


@router.post("/{project_id}/tasks", status_code=status.HTTP_201_CREATED)
async def create_task(project_id: int, payload: TaskCreate, session: SessionDep) -> TaskRead:
    # A mobile client on a bad network retries this POST when an answer is lost.
    try:
        task = await service.add_task(session, project_id, payload.title)
    except service.ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return TaskRead.model_validate(task)


@router.get("/{project_id}/tasks")
async def list_tasks(project_id: int, session: SessionDep) -> list[TaskRead]:
    try:
        tasks = await service.list_tasks(session, project_id)
    except service.ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return [TaskRead.model_validate(task) for task in tasks]


def project_not_found(project_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found")
