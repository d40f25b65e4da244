"""HTTP routes for tasks."""

from fastapi import APIRouter, status
from sqlalchemy import select

from app.core.db import SessionDep
from app.tasks.models import Task
from app.tasks.schemas import ErrorMessage, TaskCreate, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
async def create_task(payload: TaskCreate, session: SessionDep) -> TaskRead:
    task = Task(title=payload.title)
    session.add(task)
    await session.commit()
    return TaskRead.model_validate(task)


@router.get("")
async def list_tasks(session: SessionDep) -> list[TaskRead]:
    tasks = await session.scalars(select(Task).order_by(Task.id))
    return [TaskRead.model_validate(task) for task in tasks]
