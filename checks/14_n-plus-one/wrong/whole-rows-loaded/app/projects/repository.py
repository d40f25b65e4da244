"""Queries for projects."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from app.projects.models import Project, Task


async def list_projects(session: AsyncSession, limit: int) -> Sequence[Project]:
    # The mistake: no load_only, so whole rows are read.
    query = (
        select(Project)
        .options(
            joinedload(Project.owner),
            selectinload(Project.tasks).joinedload(Task.assignee),
        )
        .order_by(Project.id)
        .limit(limit)
    )
    return (await session.scalars(query)).all()
