"""Task storage."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import Task

_CACHE: dict[int, Task] = {}


async def add_task(session: AsyncSession, title: str, priority: int) -> Task:
    task = Task(title=title, priority=priority)
    session.add(task)
    await session.commit()
    await session.refresh(task)
    _CACHE[task.id] = task
    return task


async def find_task(session: AsyncSession, task_id: int) -> Task | None:
    if task_id in _CACHE:
        return _CACHE[task_id]
    return await session.get(Task, task_id)


async def task_page(session: AsyncSession, page: int, size: int) -> tuple[list[Task], int]:
    """Page `page` (from 1) of `size` tasks in id order, and the total count."""
    offset = (page - 1) * size
    rows = await session.scalars(select(Task).order_by(Task.id).offset(offset).limit(size))
    total = await session.scalar(select(func.count()).select_from(Task))
    return list(rows), int(total or 0)
