"""HTTP routes of the tracker."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from app.core.db import SessionDep
from app.tracker import repository
from app.tracker.models import Project, Task
from app.tracker.schemas import MAX_ID, ProjectCreate, ProjectRead, TaskCreate, TaskRead, TaskStatus

router = APIRouter(tags=["tracker"])
ProjectId = Annotated[int, Path(ge=1, le=MAX_ID)]
CONFLICT = {"description": "A project of that name, or a task of that title, already exists"}
# FastAPI answers 400 to a body it cannot decode: the contract says so.
MALFORMED = {"description": "The body is not JSON"}
NOT_FOUND = {"description": "No such project"}


@router.post(
    "/projects",
    status_code=status.HTTP_201_CREATED,
    responses={status.HTTP_400_BAD_REQUEST: MALFORMED, status.HTTP_409_CONFLICT: CONFLICT},
)
async def create_project(payload: ProjectCreate, session: SessionDep) -> ProjectRead:
    project = Project(name=payload.name)
    await repository.add(session, project, f"a project named {payload.name!r}")
    return ProjectRead.model_validate(project)


@router.post(
    "/projects/{project_id}/tasks",
    status_code=status.HTTP_201_CREATED,
    responses={
        status.HTTP_400_BAD_REQUEST: MALFORMED,
        status.HTTP_404_NOT_FOUND: NOT_FOUND,
        status.HTTP_409_CONFLICT: CONFLICT,
    },
)
async def create_task(project_id: ProjectId, payload: TaskCreate, session: SessionDep) -> TaskRead:
    if await repository.get_project(session, project_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found")
    task = Task(project_id=project_id, title=payload.title, status=payload.status)
    await repository.add(session, task, f"a task titled {payload.title!r} in this project")
    return TaskRead.model_validate(task)


@router.get("/tasks")
async def list_tasks(
    session: SessionDep,
    status_filter: Annotated[TaskStatus | None, Query(alias="status")] = None,
    project_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[TaskRead]:
    tasks = await repository.list_tasks(session, status_filter, project_id)
    return [TaskRead.model_validate(task) for task in tasks]
