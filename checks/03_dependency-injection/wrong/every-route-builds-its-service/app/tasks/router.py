"""HTTP routes for tasks: each handler is handed its service, and builds nothing itself."""

from fastapi import APIRouter, Request, Response, status

from app.core.dependencies import ConnectionDep
from app.tasks.repository import TaskRepository
from app.tasks.service import TaskService
from app.tasks.schemas import TaskCreate, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_task(
    payload: TaskCreate, connection: ConnectionDep, request: Request, response: Response
) -> TaskRead:
    service = TaskService(TaskRepository(connection))
    task = service.create(payload)
    response.headers["Location"] = str(request.url_for("read_task", task_id=task.id))
    return TaskRead.model_validate(task)


@router.get("")
def list_tasks(connection: ConnectionDep) -> list[TaskRead]:
    service = TaskService(TaskRepository(connection))
    return [TaskRead.model_validate(task) for task in service.list()]


@router.get("/{task_id}")
def read_task(task_id: int, connection: ConnectionDep) -> TaskRead:
    service = TaskService(TaskRepository(connection))
    return TaskRead.model_validate(service.get(task_id))
