"""HTTP routes for tasks."""

from fastapi import APIRouter, HTTPException, status

from app.tasks.dependencies import TaskStoreDep
from app.tasks.schemas import ErrorMessage, TaskCreate, TaskRead
from app.tasks.store import TaskNotFoundError

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
async def create_task(payload: TaskCreate, store: TaskStoreDep) -> TaskRead:
    return store.add(payload.title)


@router.get("")
async def list_tasks(store: TaskStoreDep) -> list[TaskRead]:
    return store.list()


@router.get(
    "/{task_id}", responses={404: {"model": ErrorMessage, "description": "No task has this id"}}
)
async def get_task(task_id: int, store: TaskStoreDep) -> TaskRead:
    try:
        return store.get(task_id)
    except TaskNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} not found") from None
