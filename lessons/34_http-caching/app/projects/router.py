"""HTTP routes for projects and their tasks."""

from fastapi import APIRouter, HTTPException, status

from app.core.clock import ClockDep
from app.projects.dependencies import StoreDep
from app.projects.schemas import ProjectRead, ProjectWrite, TaskCreate, TaskRead
from app.projects.store import ProjectNotFoundError

router = APIRouter(prefix="/projects", tags=["projects"])

NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"description": "No such project"}}


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_project(payload: ProjectWrite, store: StoreDep, clock: ClockDep) -> ProjectRead:
    project = store.add(payload.name, payload.description, clock())
    return ProjectRead.model_validate(project)


@router.get("/{project_id}", responses=NOT_FOUND)
async def read_project(project_id: int, store: StoreDep) -> ProjectRead:
    try:
        project = store.get(project_id)
    except ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return ProjectRead.model_validate(project)


@router.put("/{project_id}", responses=NOT_FOUND)
async def update_project(
    project_id: int, payload: ProjectWrite, store: StoreDep, clock: ClockDep
) -> ProjectRead:
    try:
        project = store.update(project_id, payload.name, payload.description, clock())
    except ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return ProjectRead.model_validate(project)


@router.post("/{project_id}/tasks", status_code=status.HTTP_201_CREATED, responses=NOT_FOUND)
async def create_task(
    project_id: int, payload: TaskCreate, store: StoreDep, clock: ClockDep
) -> TaskRead:
    try:
        task = store.add_task(project_id, payload.title, clock())
    except ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return TaskRead.model_validate(task)


def project_not_found(project_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found")
