"""HTTP routes for tasks."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status

from app.core.clock import ClockDep
from app.core.problems import problem_responses
from app.tasks.schemas import TaskCreate, TaskRead
from app.tasks.service import TaskStore

router = APIRouter(tags=["tasks"])


def get_task_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


TaskStoreDep = Annotated[TaskStore, Depends(get_task_store)]
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/tasks")
async def list_tasks(store: TaskStoreDep) -> list[TaskRead]:
    return list(store.tasks.values())


@router.post(
    "/tasks", status_code=status.HTTP_201_CREATED, responses=problem_responses(400, 422)
)
async def create_task(payload: TaskCreate, store: TaskStoreDep, clock: ClockDep) -> TaskRead:
    return store.add(payload.title, clock())


@router.get("/tasks/{task_id}", responses=problem_responses(404, 422))
async def read_task(task_id: TaskId, store: TaskStoreDep) -> TaskRead:
    task = store.tasks.get(task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} does not exist")
    return task
