"""HTTP routes for projects and tasks."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from app.tasks.schemas import TaskCreate
from app.tasks.store import Project, ProjectNotFoundError, Task, TaskStore

router = APIRouter(prefix="/projects", tags=["projects"])


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.tasks
    return store


@router.get("")
async def list_projects(request: Request):
    projects = [project_dict(project) for project in get_store(request).projects()]
    return JSONResponse(jsonable_encoder(projects))


@router.get("/{project_id}")
async def read_project(project_id: int, request: Request):
    try:
        project = get_store(request).get(project_id)
    except ProjectNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"project {project_id} not found") from None
    return JSONResponse(jsonable_encoder(project_dict(project)))


@router.get("/{project_id}/tasks")
async def list_tasks(project_id: int, request: Request):
    try:
        tasks = get_store(request).get(project_id).tasks
    except ProjectNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"project {project_id} not found") from None
    return JSONResponse(jsonable_encoder([task_dict(task) for task in tasks]))


@router.post("/{project_id}/tasks", status_code=status.HTTP_201_CREATED)
async def create_task(project_id: int, payload: TaskCreate, request: Request):
    try:
        task = get_store(request).add_task(
            project_id, payload.title, payload.description, payload.estimate_hours,
            payload.due_on, payload.tags, datetime.now(UTC),
        )
    except ProjectNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"project {project_id} not found") from None
    return JSONResponse(jsonable_encoder(task_dict(task)), status_code=status.HTTP_201_CREATED)


def project_dict(project: Project) -> dict:
    return {"id": project.id, "name": project.name, "task_count": len(project.tasks)}


def task_dict(task: Task) -> dict:
    return {
        "id": task.id,
        "project_id": task.project_id,
        "title": task.title,
        "description": task.description,
        "status": task.status,
        "estimate_hours": task.estimate_hours,
        "due_on": task.due_on,
        "tags": task.tags,
        "created_at": task.created_at,
    }
