"""Task storage, with a module-level cache in front of the database."""

import itertools

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import Task

_TASKS: dict[int, Task] = {}
_IDS = itertools.count(1)


async def add_task(session: AsyncSession, title: str, priority: int) -> Task:
    task = Task(id=next(_IDS), title=title, priority=priority)
    session.add(task)
    await session.commit()
    await session.refresh(task)
    _TASKS[task.id] = task
    return task


async def find_task(session: AsyncSession, task_id: int) -> Task | None:
    if task_id in _TASKS:
        return _TASKS[task_id]
    return await session.get(Task, task_id)


async def task_page(session: AsyncSession, page: int, size: int) -> tuple[list[Task], int]:
    """Page `page` (from 1) of `size` tasks in id order, and the total count."""
    stored = {task.id: task for task in await session.scalars(select(Task))}
    everything = sorted({**stored, **_TASKS}.values(), key=lambda task: task.id)
    offset = (page - 1) * size
    return everything[offset : offset + size], len(everything)
