"""Queries for projects and tasks; each function works inside the caller's session."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import Project, Task


async def add_project(session: AsyncSession, name: str) -> Project:
    project = Project(name=name)
    session.add(project)
    await session.commit()
    return project


async def get_project(session: AsyncSession, project_id: int) -> Project | None:
    return await session.get(Project, project_id)


async def add_task(session: AsyncSession, project: Project, title: str) -> Task:
    task = Task(project_id=project.id, title=title)
    session.add(task)
    await session.commit()
    return task


async def list_tasks(session: AsyncSession, project: Project) -> Sequence[Task]:
    query = select(Task).where(Task.project_id == project.id).order_by(Task.id)
    return (await session.scalars(query)).all()
