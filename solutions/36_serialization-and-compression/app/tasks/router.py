"""HTTP routes for projects and tasks. Each route declares its model; FastAPI serializes it."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, status

from app.tasks.dependencies import FieldsDep, StoreDep
from app.tasks.schemas import ProjectRead, SparseTask, TaskCreate, TaskRead
from app.tasks.store import ProjectNotFoundError, Task

router = APIRouter(prefix="/projects", tags=["projects"])

NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"description": "No such project"}}


@router.get("")
async def list_projects(store: StoreDep) -> list[ProjectRead]:
    return [ProjectRead.model_validate(project) for project in store.projects()]


@router.get("/{project_id}", responses=NOT_FOUND)
async def read_project(project_id: int, store: StoreDep) -> ProjectRead:
    try:
        return ProjectRead.model_validate(store.get(project_id))
    except ProjectNotFoundError:
        raise project_not_found(project_id) from None


@router.get(
    "/{project_id}/tasks",
    response_model_exclude_unset=True,  # leaves out the fields not asked for
    responses=NOT_FOUND,
)
async def list_tasks(project_id: int, store: StoreDep, fields: FieldsDep) -> list[SparseTask]:
    try:
        tasks = store.get(project_id).tasks
    except ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return [sparse(task, fields) for task in tasks]


@router.post("/{project_id}/tasks", status_code=status.HTTP_201_CREATED, responses=NOT_FOUND)
async def create_task(project_id: int, payload: TaskCreate, store: StoreDep) -> TaskRead:
    try:
        task = store.add_task(
            project_id, payload.title, payload.description, payload.estimate_hours,
            payload.due_on, payload.tags, datetime.now(UTC),
        )
    except ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return TaskRead.model_validate(task)


def sparse(task: Task, fields: frozenset[str]) -> SparseTask:
    """The task with exactly `fields` set (a requested null stays, as null)."""
    return SparseTask.model_validate({name: getattr(task, name) for name in fields})


def project_not_found(project_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found")
