"""HTTP routes for tasks."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.tasks.schemas import TaskCreate, TaskDetail, TaskPage, TaskRead
from app.tasks.service import add_task, find_task, task_page

router = APIRouter(prefix="/tasks", tags=["tasks"])
Session = Annotated[AsyncSession, Depends(get_session)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_task(payload: TaskCreate, session: Session) -> TaskRead:
    return TaskRead.model_validate(await add_task(session, payload.title, payload.priority))


@router.get("")
async def list_tasks(
    session: Session,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> TaskPage:
    tasks, total = await task_page(session, page, size)
    items = [TaskDetail.model_validate(task) for task in tasks]
    return TaskPage(items=items, page=page, size=size, total=total)


@router.get("/{task_id}", responses={404: {"description": "No such task"}})
async def read_task(task_id: int, session: Session) -> TaskDetail:
    task = await find_task(session, task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Task not found")
    return TaskDetail.model_validate(task)
