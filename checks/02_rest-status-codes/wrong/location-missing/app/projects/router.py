"""HTTP routes for projects: one URL per resource, one status per outcome."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from app.projects.schemas import ErrorMessage, ProjectCreate, ProjectRead, ProjectUpdate
from app.projects.service import ProjectStore

router = APIRouter(prefix="/projects", tags=["projects"])


def get_store(request: Request) -> ProjectStore:
    store: ProjectStore = request.state.project_store
    return store


Store = Annotated[ProjectStore, Depends(get_store)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
def create_project(
    payload: ProjectCreate, store: Store, request: Request, response: Response
) -> ProjectRead:
    project = store.create(payload)
    return ProjectRead.model_validate(project)


@router.get("")
def list_projects(store: Store) -> list[ProjectRead]:
    return [ProjectRead.model_validate(project) for project in store.list()]


@router.get(
    "/{project_id}",
    responses={404: {"model": ErrorMessage, "description": "No project has this id"}},
)
def read_project(project_id: int, store: Store) -> ProjectRead:
    return ProjectRead.model_validate(store.get(project_id))


@router.patch(
    "/{project_id}",
    responses={
        400: {"model": ErrorMessage, "description": "The body is not JSON"},
        404: {"model": ErrorMessage, "description": "No project has this id"},
    },
)
def update_project(project_id: int, changes: ProjectUpdate, store: Store) -> ProjectRead:
    return ProjectRead.model_validate(store.update(project_id, changes))


@router.delete(
    "/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"model": ErrorMessage, "description": "No project has this id"}},
)
def delete_project(project_id: int, store: Store) -> None:
    store.delete(project_id)
