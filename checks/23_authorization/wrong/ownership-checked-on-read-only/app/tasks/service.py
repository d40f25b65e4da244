"""Tasks and comments, always looked up together with their owner.

Every query carries `owner_id`: another user's task is not found, exactly like a task that
does not exist. There is no code path that loads a task first and checks ownership after.
"""

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import Comment, Task


class TaskNotFoundError(Exception):
    """No task with this id belongs to the caller."""


async def add_task(session: AsyncSession, owner_id: int, title: str) -> Task:
    task = Task(owner_id=owner_id, title=title)
    session.add(task)
    await session.commit()
    return task


async def list_tasks(
    session: AsyncSession, owner_id: int, is_done: bool | None = None
) -> Sequence[Task]:
    query = select(Task).where(Task.owner_id == owner_id).order_by(Task.id)
    if is_done is not None:
        query = query.where(Task.is_done == is_done)
    return (await session.scalars(query)).all()


async def get_task(session: AsyncSession, owner_id: int, task_id: int) -> Task:
    query = select(Task).where(Task.id == task_id, Task.owner_id == owner_id)
    task = await session.scalar(query)
    if task is None:
        raise TaskNotFoundError(task_id)
    return task


async def update_task(
    session: AsyncSession, owner_id: int, task_id: int, changes: dict[str, object]
) -> Task:
    task = await get_task(session, owner_id, task_id)
    for field, value in changes.items():
        setattr(task, field, value)
    await session.commit()
    return task


async def delete_task(session: AsyncSession, owner_id: int, task_id: int) -> None:
    task = await session.get(Task, task_id)
    if task is None:
        raise TaskNotFoundError(task_id)
    await session.execute(delete(Comment).where(Comment.task_id == task.id))
    await session.delete(task)
    await session.commit()


async def add_comment(session: AsyncSession, owner_id: int, task_id: int, body: str) -> Comment:
    task = await get_task(session, owner_id, task_id)
    comment = Comment(task_id=task.id, body=body)
    session.add(comment)
    await session.commit()
    return comment


async def list_comments(session: AsyncSession, owner_id: int, task_id: int) -> Sequence[Comment]:
    query = (
        select(Comment)
        .join(Task, Task.id == Comment.task_id)
        .where(Comment.task_id == task_id, Task.owner_id == owner_id)
        .order_by(Comment.id)
    )
    comments = (await session.scalars(query)).all()
    if not comments:
        await get_task(session, owner_id, task_id)  # 404 for a task that is not the caller's
    return comments
