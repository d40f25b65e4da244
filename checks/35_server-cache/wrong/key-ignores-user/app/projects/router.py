"""HTTP routes for projects and tasks; the statistics are read through the cache."""

from fastapi import APIRouter, HTTPException, status

from app.core.clock import ClockDep
from app.projects.dependencies import CacheDep, SourceDep, StoreDep, UserDep
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


def stats_prefix(project_id: int) -> str:
    """Every cached statistic of one project starts with this (what a write invalidates)."""
    return f"stats:{project_id}:"


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_project(payload: ProjectCreate, store: StoreDep, user: UserDep) -> ProjectRead:
    return ProjectRead.model_validate(store.add(payload.name))


@router.post("/{project_id}/tasks", status_code=status.HTTP_201_CREATED)
async def create_task(
    project_id: int, payload: TaskCreate, store: StoreDep, cache: CacheDep, user: UserDep
) -> TaskRead:
    try:
        task = store.add_task(project_id, payload.title, payload.assignee)
    except ProjectNotFoundError:
        raise not_found(f"project {project_id}") from None
    await cache.invalidate(stats_prefix(project_id))
    return TaskRead.model_validate(task)


@router.patch("/{project_id}/tasks/{task_id}")
async def update_task(
    project_id: int,
    task_id: int,
    payload: TaskUpdate,
    store: StoreDep,
    cache: CacheDep,
    user: UserDep,
) -> TaskRead:
    try:
        task = store.set_done(project_id, task_id, payload.is_done)
    except ProjectNotFoundError:
        raise not_found(f"project {project_id}") from None
    except TaskNotFoundError:
        raise not_found(f"task {task_id}") from None
    await cache.invalidate(stats_prefix(project_id))
    return TaskRead.model_validate(task)


@router.get("/{project_id}/stats")
async def project_stats(
    project_id: int,
    store: StoreDep,
    source: SourceDep,
    cache: CacheDep,
    clock: ClockDep,
    user: UserDep,
    status: TaskStatus = "open",
) -> ProjectStats:
    try:
        store.get(project_id)
    except ProjectNotFoundError:
        raise not_found(f"project {project_id}") from None

    async def compute() -> bytes:
        stats = await source.project_stats(project_id, user, status)
        return stats.model_dump_json().encode()

    # Every input that changes the answer is in the key: project, user and query.
    key = f"{stats_prefix(project_id)}{status}"
    cached = await cache.get_or_compute(key, compute, now=clock())
    return ProjectStats.model_validate_json(cached)


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")
