"""HTTP routes for projects."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from app.projects.schemas import ProjectCreate
from app.projects.service import ProjectStore

router = APIRouter(prefix="/projects")


def get_store(request: Request) -> ProjectStore:
    store: ProjectStore = request.state.project_store
    return store


Store = Annotated[ProjectStore, Depends(get_store)]


@router.post("")
def create_project(payload: ProjectCreate, store: Store, response: Response):
    response.status_code = 201
    return asdict(store.add(payload.name))


@router.get("")
def list_projects(store: Store):
    return [asdict(project) for project in store.all()]
