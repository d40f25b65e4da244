"""HTTP routes for tasks."""

from fastapi import APIRouter, Request, Response, status

from app.core.database import database
from app.tasks.repository import TaskRepository
from app.tasks.schemas import TaskCreate, TaskRead
from app.tasks.service import TaskService

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_task(payload: TaskCreate, request: Request, response: Response) -> TaskRead:
    connection = database.connect()
    task = TaskService(TaskRepository(connection)).create(payload)
    connection.close()
    response.headers["Location"] = str(request.url_for("read_task", task_id=task.id))
    return TaskRead.model_validate(task)


@router.get("")
def list_tasks() -> list[TaskRead]:
    connection = database.connect()
    tasks = TaskService(TaskRepository(connection)).list()
    connection.close()
    return [TaskRead.model_validate(task) for task in tasks]


@router.get("/{task_id}")
def read_task(task_id: int) -> TaskRead:
    connection = database.connect()
    task = TaskService(TaskRepository(connection)).get(task_id)
    connection.close()
    return TaskRead.model_validate(task)
