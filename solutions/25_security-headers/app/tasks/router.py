"""HTTP routes for tasks, and the task board: an HTML page."""

from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from fastapi.responses import HTMLResponse

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
    "/tasks", status_code=status.HTTP_201_CREATED, responses=problem_responses(400, 413, 422)
)
async def create_task(payload: TaskCreate, store: TaskStoreDep) -> TaskRead:
    return store.add(payload.title)


@router.get("/tasks/{task_id}", responses=problem_responses(404, 422))
async def read_task(task_id: TaskId, store: TaskStoreDep) -> TaskRead:
    task = store.tasks.get(task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} does not exist")
    return task


@router.get("/board", response_class=HTMLResponse)
async def task_board(store: TaskStoreDep) -> str:
    items = "".join(f"<li>{escape(task.title)}</li>" for task in store.tasks.values())
    return (
        "<!doctype html><html><head><title>Task board</title></head>"
        f"<body><h1>Task board</h1><ul>{items}</ul></body></html>"
    )


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
