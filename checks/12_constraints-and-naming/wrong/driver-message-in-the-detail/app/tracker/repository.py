"""Queries of the tracker; each function works inside the caller's session."""

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.tracker.exceptions import AlreadyExists
from app.tracker.models import Project, Task

Row = TypeVar("Row", Project, Task)


async def add(session: AsyncSession, row: Row, what: str) -> Row:
    """Store a row; the unique constraints, not an earlier SELECT, decide whether it is new."""
    session.add(row)
    try:
        await session.commit()
    except IntegrityError as error:
        await session.rollback()
        # The mistake: the driver's words reach the client.
        raise AlreadyExists(f"{what}: {error.orig}") from error
    return row


async def get_project(session: AsyncSession, project_id: int) -> Project | None:
    return await session.get(Project, project_id)


async def list_tasks(
    session: AsyncSession, status: str | None, project_id: int | None
) -> Sequence[Task]:
    query = select(Task).order_by(Task.id)
    if status is not None:
        query = query.where(Task.status == status)
    if project_id is not None:
        query = query.where(Task.project_id == project_id)
    return (await session.scalars(query)).all()
