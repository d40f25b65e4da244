"""Queries for projects."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, load_only, selectinload

from app.projects.models import Project, Task, User


async def list_projects(session: AsyncSession, limit: int) -> Sequence[Project]:
    query = (
        select(Project)
        .options(
            load_only(Project.id, Project.name),
            joinedload(Project.owner, innerjoin=True).load_only(User.id, User.name),
            selectinload(Project.tasks).load_only(Task.id, Task.title, Task.is_done, Task.assignee_id),
        )
        .order_by(Project.id)
        .limit(limit)
    )
    projects = (await session.scalars(query)).all()
    # The mistake: the assignees are still loaded one at a time.
    for project in projects:
        for task in project.tasks:
            await task.awaitable_attrs.assignee
    return projects
