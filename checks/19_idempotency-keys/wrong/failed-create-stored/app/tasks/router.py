"""HTTP routes for projects and their tasks. Creating a task honours an Idempotency-Key."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Path, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import SessionDep
from app.idempotency import service as idempotency
from app.idempotency.service import StoredResponse
from app.tasks import service
from app.tasks.schemas import ErrorMessage, ProjectCreate, ProjectRead, TaskCreate, TaskRead

router = APIRouter(prefix="/projects", tags=["projects"])
# Ids are 32-bit integer keys: a larger number is a 422, not a database overflow.
ProjectId = Annotated[int, Path(gt=0, le=2**31 - 1)]
# Every answer a route can give is in the contract.
MALFORMED: dict[int | str, dict[str, object]] = {
    status.HTTP_400_BAD_REQUEST: {"model": ErrorMessage, "description": "Body is not JSON"}
}
NOT_FOUND: dict[int | str, dict[str, object]] = {
    status.HTTP_404_NOT_FOUND: {"model": ErrorMessage, "description": "No such project"}
}

IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        description="A unique value per intended create (a UUID); a retry repeats it.",
    ),
]


@router.post("", status_code=status.HTTP_201_CREATED, responses=MALFORMED)
async def create_project(payload: ProjectCreate, session: SessionDep) -> ProjectRead:
    return ProjectRead.model_validate(await service.add_project(session, payload.name))


@router.post(
    "/{project_id}/tasks",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskRead,
    responses={
        **MALFORMED,
        **NOT_FOUND,
        422: {"description": "Invalid body, or the key was used for another request"},
    },
)
async def create_task(
    project_id: ProjectId,
    payload: TaskCreate,
    request: Request,
    session: SessionDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    body = payload.model_dump_json()
    request_fingerprint = idempotency.fingerprint(request.method, request.url.path, body)
    create = partial(created_task, session, project_id, payload.title)
    try:
        stored = await idempotency.run_once(session, idempotency_key, request_fingerprint, create)
    except idempotency.KeyReusedError:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail="this Idempotency-Key was already used for a different request",
        ) from None
    except service.ProjectNotFoundError:
        raise project_not_found(project_id) from None
    headers = {"Idempotent-Replayed": "true"} if stored.is_replay else None
    return Response(stored.body, stored.status_code, headers=headers, media_type="application/json")


@router.get("/{project_id}/tasks", responses=NOT_FOUND)
async def list_tasks(project_id: ProjectId, session: SessionDep) -> list[TaskRead]:
    try:
        tasks = await service.list_tasks(session, project_id)
    except service.ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return [TaskRead.model_validate(task) for task in tasks]


async def created_task(session: AsyncSession, project_id: int, title: str) -> StoredResponse:
    """Add the task (not yet committed) and render the response that will be stored."""
    try:
        task = await service.add_task(session, project_id, title)
    except service.ProjectNotFoundError:
        # Stored like any answer: a retry replays the 404, even once the project exists.
        detail = f'{{"detail": "project {project_id} not found"}}'
        return StoredResponse(status.HTTP_404_NOT_FOUND, detail)
    return StoredResponse(status.HTTP_201_CREATED, TaskRead.model_validate(task).model_dump_json())


def project_not_found(project_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found")
