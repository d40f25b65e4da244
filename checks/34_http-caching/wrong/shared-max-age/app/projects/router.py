"""HTTP routes for projects. A project's GET is conditional: ETag, Last-Modified, 304."""

from fastapi import APIRouter, HTTPException, Request, Response, status

from app.core.clock import ClockDep
from app.core.conditional import http_date, is_not_modified, strong_etag
from app.projects.dependencies import StoreDep
from app.projects.schemas import ProjectRead, ProjectWrite, TaskCreate, TaskRead
from app.projects.store import ProjectNotFoundError

router = APIRouter(prefix="/projects", tags=["projects"])

# Shared data: any cache may keep it, but must revalidate (a cheap 304) before each reuse.
SHARED_CACHE_CONTROL = "public, max-age=60"
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"description": "No such project"}}


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_project(payload: ProjectWrite, store: StoreDep, clock: ClockDep) -> ProjectRead:
    project = store.add(payload.name, payload.description, clock())
    return ProjectRead.model_validate(project)


@router.get(
    "/{project_id}",
    response_model=ProjectRead,
    responses={
        **NOT_FOUND,
        304: {"description": "Not Modified: the client's copy (If-None-Match or "
              "If-Modified-Since) is current"},
    },
)
async def read_project(project_id: int, request: Request, store: StoreDep) -> Response:
    try:
        project = store.get(project_id)
    except ProjectNotFoundError:
        raise project_not_found(project_id) from None
    body = ProjectRead.model_validate(project).model_dump_json().encode()
    etag = strong_etag(body)
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(project.last_modified),
        "Cache-Control": SHARED_CACHE_CONTROL,
    }
    if is_not_modified(request, etag, project.last_modified):
        # A 304 carries the validators and Cache-Control the 200 would have had, no body.
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


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
