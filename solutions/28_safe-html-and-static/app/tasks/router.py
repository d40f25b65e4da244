"""Task routes: JSON for programs, HTML pages for people."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from fastapi.responses import HTMLResponse

from app.core.html import templates
from app.tasks.schemas import TaskCreate, TaskRead
from app.tasks.service import TaskStore

router = APIRouter(tags=["tasks"], responses={400: {"description": "Unreadable body"}})


def get_task_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


TaskStoreDep = Annotated[TaskStore, Depends(get_task_store)]
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1)]
NOT_FOUND: dict[int | str, dict[str, str]] = {404: {"description": "No such task"}}


def task_or_404(store: TaskStore, task_id: int) -> TaskRead:
    task = store.tasks.get(task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} does not exist")
    return task


@router.post("/tasks", status_code=status.HTTP_201_CREATED)
async def create_task(payload: TaskCreate, store: TaskStoreDep) -> TaskRead:
    return store.add(payload)


@router.get("/tasks/{task_id}", responses=NOT_FOUND)
async def read_task(task_id: TaskId, store: TaskStoreDep) -> TaskRead:
    return task_or_404(store, task_id)


@router.get("/board", response_class=HTMLResponse)
async def task_board(request: Request, store: TaskStoreDep) -> HTMLResponse:
    context = {"tasks": list(store.tasks.values())}
    return templates.TemplateResponse(request, "board.html", context)


@router.get("/tasks/{task_id}/page", response_class=HTMLResponse, responses=NOT_FOUND)
async def task_page(request: Request, task_id: TaskId, store: TaskStoreDep) -> HTMLResponse:
    context = {"task": task_or_404(store, task_id)}
    return templates.TemplateResponse(request, "task.html", context)
