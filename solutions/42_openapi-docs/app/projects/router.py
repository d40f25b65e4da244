"""HTTP routes for projects."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from app.core.problems import problem_responses
from app.projects.schemas import ProjectCreate, ProjectRead
from app.projects.service import ProjectStore

router = APIRouter(prefix="/projects", tags=["projects"])


def get_store(request: Request) -> ProjectStore:
    store: ProjectStore = request.state.project_store
    return store


Store = Annotated[ProjectStore, Depends(get_store)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a project",
    operation_id="createProject",
    responses=problem_responses(400, 422),
)
def create_project(payload: ProjectCreate, store: Store) -> ProjectRead:
    """Start a project that tasks can later belong to."""
    return ProjectRead.model_validate(store.add(payload.name))


@router.get("", summary="List projects", operation_id="listProjects")
def list_projects(store: Store) -> list[ProjectRead]:
    """Every project, oldest first."""
    return [ProjectRead.model_validate(project) for project in store.all()]
