"""Queries for projects."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.projects.models import Project


async def list_projects(session: AsyncSession, limit: int) -> Sequence[Project]:
    """The first `limit` projects, with their owner, tasks and the tasks' assignees loaded."""
    query = select(Project).order_by(Project.id).limit(limit)
    projects = (await session.scalars(query)).all()
    for project in projects:
        await project.awaitable_attrs.owner
        for task in await project.awaitable_attrs.tasks:
            await task.awaitable_attrs.assignee
    return projects
