"""HTTP routes for projects."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from app.projects.schemas import ProjectCreate, ProjectRead, ProjectUpdate
from app.projects.service import ProjectStore

router = APIRouter(prefix="/projects", tags=["projects"])


def get_store(request: Request) -> ProjectStore:
    store: ProjectStore = request.state.project_store
    return store


Store = Annotated[ProjectStore, Depends(get_store)]


@router.post("")
def create_project(payload: ProjectCreate, store: Store) -> ProjectRead:
    return ProjectRead.model_validate(store.create(payload))


@router.get("")
def list_projects(store: Store) -> list[ProjectRead]:
    return [ProjectRead.model_validate(project) for project in store.list()]


@router.get("/{project_id}")
def read_project(project_id: int, store: Store) -> ProjectRead | None:
    project = store.get(project_id)
    if project is None:
        return None
    return ProjectRead.model_validate(project)


@router.patch("/{project_id}")
def update_project(project_id: int, changes: ProjectUpdate, store: Store) -> ProjectRead | None:
    project = store.update(project_id, changes)
    if project is None:
        return None
    return ProjectRead.model_validate(project)


@router.delete("/{project_id}")
def delete_project(project_id: int, store: Store) -> ProjectRead | None:
    # Answers with the project it removed, so the client can show what is gone.
    project = store.delete(project_id)
    if project is None:
        return None
    return ProjectRead.model_validate(project)
