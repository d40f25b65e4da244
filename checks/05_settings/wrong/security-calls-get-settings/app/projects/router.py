"""HTTP routes for projects, their tasks and their share links."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from app.core.config import Settings, get_settings
from app.core.security import sign_project, verify_project_token
from app.projects.schemas import (
    ErrorMessage,
    ProjectCreate,
    ProjectRead,
    SharedProject,
    ShareLink,
    TaskCreate,
    TaskRead,
)
from app.projects.service import ProjectNotFoundError, ProjectStore, TaskLimitReachedError

router = APIRouter(tags=["projects"])


def get_store(request: Request) -> ProjectStore:
    store: ProjectStore = request.state.project_store
    return store


Store = Annotated[ProjectStore, Depends(get_store)]
AppSettings = Annotated[Settings, Depends(get_settings)]


def not_found(error: ProjectNotFoundError) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error))


@router.post(
    "/projects",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
def create_project(payload: ProjectCreate, store: Store) -> ProjectRead:
    return store.create(payload.name)


@router.post(
    "/projects/{project_id}/tasks",
    status_code=status.HTTP_201_CREATED,
    responses={
        400: {"model": ErrorMessage, "description": "The body is not JSON"},
        404: {"model": ErrorMessage, "description": "No such project"},
        409: {"model": ErrorMessage, "description": "The project has as many tasks as allowed"},
    },
)
def add_task(project_id: int, payload: TaskCreate, store: Store, settings: AppSettings) -> TaskRead:
    try:
        return store.add_task(project_id, payload.title, settings.max_tasks_per_project)
    except ProjectNotFoundError as error:
        raise not_found(error) from error
    except TaskLimitReachedError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from error


@router.get(
    "/projects/{project_id}/tasks",
    responses={404: {"model": ErrorMessage, "description": "No such project"}},
)
def list_tasks(project_id: int, store: Store) -> list[TaskRead]:
    try:
        return store.tasks(project_id)
    except ProjectNotFoundError as error:
        raise not_found(error) from error


@router.post(
    "/projects/{project_id}/share-link",
    status_code=status.HTTP_201_CREATED,
    responses={404: {"model": ErrorMessage, "description": "No such project"}},
)
def create_share_link(project_id: int, store: Store) -> ShareLink:
    try:
        project = store.get(project_id)
    except ProjectNotFoundError as error:
        raise not_found(error) from error
    token = sign_project(project.id)
    return ShareLink(token=token, path=f"/shared/{token}")


@router.get(
    "/shared/{token}",
    responses={404: {"model": ErrorMessage, "description": "No project has this link"}},
)
def open_share_link(token: str, store: Store) -> SharedProject:
    project_id = verify_project_token(token)
    if project_id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such share link")
    try:
        return SharedProject(project=store.get(project_id), tasks=store.tasks(project_id))
    except ProjectNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such share link") from error
