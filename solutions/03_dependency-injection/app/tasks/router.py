"""HTTP routes for tasks: each handler is handed its service, and builds nothing itself."""

from fastapi import APIRouter, Request, Response, status

from app.tasks.dependencies import TaskServiceDep
from app.tasks.schemas import ErrorMessage, TaskCreate, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
def create_task(
    payload: TaskCreate, service: TaskServiceDep, request: Request, response: Response
) -> TaskRead:
    task = service.create(payload)
    response.headers["Location"] = str(request.url_for("read_task", task_id=task.id))
    return TaskRead.model_validate(task)


@router.get("")
def list_tasks(service: TaskServiceDep) -> list[TaskRead]:
    return [TaskRead.model_validate(task) for task in service.list()]


@router.get(
    "/{task_id}", responses={404: {"model": ErrorMessage, "description": "No task has this id"}}
)
def read_task(task_id: int, service: TaskServiceDep) -> TaskRead:
    return TaskRead.model_validate(service.get(task_id))
