"""HTTP routes for projects: one URL per resource, one status per outcome."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from app.projects.exceptions import ProjectNotFoundError

from app.projects.schemas import ProjectCreate, ProjectRead, ProjectUpdate
from app.projects.service import ProjectStore

router = APIRouter(prefix="/projects", tags=["projects"])


def get_store(request: Request) -> ProjectStore:
    store: ProjectStore = request.state.project_store
    return store


Store = Annotated[ProjectStore, Depends(get_store)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_project(
    payload: ProjectCreate, store: Store, request: Request, response: Response
) -> ProjectRead:
    project = store.create(payload)
    response.headers["Location"] = str(request.url_for("read_project", project_id=project.id))
    return ProjectRead.model_validate(project)


@router.get("")
def list_projects(store: Store) -> list[ProjectRead]:
    return [ProjectRead.model_validate(project) for project in store.list()]


@router.get("/{project_id}")
def read_project(project_id: int, store: Store) -> ProjectRead:
    try:
        return ProjectRead.model_validate(store.get(project_id))
    except ProjectNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error


@router.patch("/{project_id}")
def update_project(project_id: int, changes: ProjectUpdate, store: Store) -> ProjectRead:
    try:
        return ProjectRead.model_validate(store.update(project_id, changes))
    except ProjectNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(project_id: int, store: Store) -> None:
    try:
        store.delete(project_id)
    except ProjectNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from error
