"""HTTP routes for projects and tasks; the export streams from the database."""

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import StreamingResponse

from app.core.db import SessionDep, SessionsDep
from app.core.problems import problem_responses
from app.tasks import service
from app.tasks.schemas import ProjectCreate, ProjectId, ProjectRead, TaskCreate, TaskRead

router = APIRouter(prefix="/projects", tags=["projects"], responses=problem_responses(400, 413))


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_project(payload: ProjectCreate, session: SessionDep) -> ProjectRead:
    return ProjectRead.model_validate(await service.add_project(session, payload.name))


@router.post(
    "/{project_id}/tasks", status_code=status.HTTP_201_CREATED, responses=problem_responses(404)
)
async def create_task(project_id: ProjectId, payload: TaskCreate, session: SessionDep) -> TaskRead:
    try:
        task = await service.add_task(session, project_id, payload.title)
    except service.ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return TaskRead.model_validate(task)


@router.get(
    "/{project_id}/tasks/export",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "id,title,is_done per task"},
        **problem_responses(404),
    },
)
async def export_tasks(
    project_id: ProjectId, session: SessionDep, sessions: SessionsDep
) -> StreamingResponse:
    try:
        await service.ensure_project(session, project_id)
    except service.ProjectNotFoundError:
        raise project_not_found(project_id) from None
    return StreamingResponse(
        service.export_csv(sessions, project_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="project-{project_id}.csv"'},
    )


def project_not_found(project_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"project {project_id} not found")
