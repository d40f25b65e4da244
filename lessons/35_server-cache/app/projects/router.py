"""HTTP routes for projects and tasks, and the project statistics."""

from fastapi import APIRouter, HTTPException, status

from app.projects.dependencies import SourceDep, StoreDep, UserDep
from app.projects.schemas import (
    ProjectCreate,
    ProjectRead,
    ProjectStats,
    TaskCreate,
    TaskRead,
    TaskStatus,
    TaskUpdate,
)
from app.projects.store import ProjectNotFoundError, TaskNotFoundError

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "No valid bearer token"},
    404: {"description": "No such project or task"},
}

router = APIRouter(prefix="/projects", tags=["projects"], responses=ERRORS)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_project(payload: ProjectCreate, store: StoreDep, user: UserDep) -> ProjectRead:
    return ProjectRead.model_validate(store.add(payload.name))


@router.post("/{project_id}/tasks", status_code=status.HTTP_201_CREATED)
async def create_task(
    project_id: int, payload: TaskCreate, store: StoreDep, user: UserDep
) -> TaskRead:
    try:
        task = store.add_task(project_id, payload.title, payload.assignee)
    except ProjectNotFoundError:
        raise not_found(f"project {project_id}") from None
    return TaskRead.model_validate(task)


@router.patch("/{project_id}/tasks/{task_id}")
async def update_task(
    project_id: int,
    task_id: int,
    payload: TaskUpdate,
    store: StoreDep,
    user: UserDep,
) -> TaskRead:
    try:
        task = store.set_done(project_id, task_id, payload.is_done)
    except ProjectNotFoundError:
        raise not_found(f"project {project_id}") from None
    except TaskNotFoundError:
        raise not_found(f"task {task_id}") from None
    return TaskRead.model_validate(task)


@router.get("/{project_id}/stats")
async def project_stats(
    project_id: int,
    source: SourceDep,
    user: UserDep,
    status: TaskStatus = "open",
) -> ProjectStats:
    try:
        return await source.project_stats(project_id, user, status)
    except ProjectNotFoundError:
        raise not_found(f"project {project_id}") from None


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")
