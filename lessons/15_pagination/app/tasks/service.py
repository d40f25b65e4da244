"""Queries for tasks."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import Task
from app.tasks.schemas import TaskCreate


async def add_task(session: AsyncSession, payload: TaskCreate) -> Task:
    task = Task(title=payload.title, due_on=payload.due_on)
    session.add(task)
    await session.commit()
    return task


async def list_tasks(
    session: AsyncSession, *, limit: int | None, offset: int
) -> Sequence[Task]:
    query = select(Task).order_by(Task.due_on, Task.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return (await session.scalars(query)).all()
