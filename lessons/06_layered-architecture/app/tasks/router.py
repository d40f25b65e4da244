"""HTTP routes for tasks: each handler reads the database, applies the rules and answers."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from sqlalchemy import func, select

from app.core.dependencies import SessionDep
from app.tasks.models import TaskRow
from app.tasks.schemas import TaskCreate, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"])

# Ids are 32-bit integers in the database: a larger one could never exist.
TaskId = Annotated[int, Path(gt=0, le=2_147_483_647)]

WORK_IN_PROGRESS_LIMIT = 3


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_task(payload: TaskCreate, session: SessionDep) -> TaskRead:
    open_tasks = await session.scalar(
        select(func.count()).where(
            TaskRow.assignee == payload.assignee, TaskRow.is_done.is_(False)
        )
    )
    if (open_tasks or 0) >= WORK_IN_PROGRESS_LIMIT:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"{payload.assignee} already has {WORK_IN_PROGRESS_LIMIT} open tasks",
        )
    row = TaskRow(title=payload.title, assignee=payload.assignee, is_done=False)
    session.add(row)
    await session.commit()
    return TaskRead.model_validate(row)


@router.get("")
async def list_tasks(session: SessionDep) -> list[TaskRead]:
    rows = await session.scalars(select(TaskRow).order_by(TaskRow.id))
    return [TaskRead.model_validate(row) for row in rows]


@router.get("/{task_id}")
async def read_task(task_id: TaskId, session: SessionDep) -> TaskRead:
    row = await session.get(TaskRow, task_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} does not exist")
    return TaskRead.model_validate(row)


@router.post("/{task_id}/complete")
async def complete_task(task_id: TaskId, session: SessionDep) -> TaskRead:
    row = await session.get(TaskRow, task_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} does not exist")
    if row.is_done:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"task {task_id} is already done")
    row.is_done = True
    await session.commit()
    return TaskRead.model_validate(row)
