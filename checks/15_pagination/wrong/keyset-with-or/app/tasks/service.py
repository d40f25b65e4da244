"""Queries for tasks: an offset slice for small jumps, a keyset feed for walking everything."""

from collections.abc import Sequence

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.cursor import Position, decode_cursor, encode_cursor
from app.tasks.models import Task
from app.tasks.schemas import TaskCreate, TaskPage, TaskRead


def ordered() -> Select[Task]:
    """Every list has one documented, total order: due date, then id as the tiebreaker."""
    return select(Task).order_by(Task.due_on, Task.id)


async def add_task(session: AsyncSession, payload: TaskCreate) -> Task:
    task = Task(title=payload.title, due_on=payload.due_on)
    session.add(task)
    await session.commit()
    return task


async def list_slice(session: AsyncSession, *, limit: int, offset: int) -> Sequence[Task]:
    return (await session.scalars(ordered().limit(limit).offset(offset))).all()


async def feed_page(session: AsyncSession, *, cursor: str | None, limit: int) -> TaskPage:
    query = ordered().limit(limit + 1)  # one extra row says whether another page exists
    if cursor is not None:
        after = decode_cursor(cursor)
        query = query.where(or_(Task.due_on > after.due_on, Task.id > after.id))
    tasks = (await session.scalars(query)).all()
    page = tasks[:limit]
    next_cursor = cursor_after(page[-1]) if len(tasks) > limit else None
    return TaskPage(items=[TaskRead.model_validate(task) for task in page], next_cursor=next_cursor)


def cursor_after(task: Task) -> str:
    return encode_cursor(Position(due_on=task.due_on, id=task.id))
