"""Projects and tasks: the rules, in the caller's session and transaction."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import Project, Task


class ProjectNotFoundError(Exception):
    """No project has this id."""


async def add_project(session: AsyncSession, name: str) -> Project:
    project = Project(name=name)
    session.add(project)
    await session.commit()
    return project


async def get_project(session: AsyncSession, project_id: int) -> Project:
    project = await session.get(Project, project_id)
    if project is None:
        raise ProjectNotFoundError(project_id)
    return project


async def add_task(session: AsyncSession, project_id: int, title: str) -> Task:
    """Add a task and flush it (so it has an id); the caller commits."""
    project = await get_project(session, project_id)
    task = Task(project_id=project.id, title=title)
    session.add(task)
    await session.flush()
    return task


async def list_tasks(session: AsyncSession, project_id: int) -> Sequence[Task]:
    project = await get_project(session, project_id)
    query = select(Task).where(Task.project_id == project.id).order_by(Task.id)
    return (await session.scalars(query)).all()
