"""Project and task operations, and the CSV export."""

import csv
import io

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import Project, Task

EXPORT_COLUMNS = ("id", "title", "is_done")


class ProjectNotFoundError(Exception):
    """No project has the id asked for."""


async def add_project(session: AsyncSession, name: str) -> Project:
    project = Project(name=name)
    session.add(project)
    await session.commit()
    return project


async def ensure_project(session: AsyncSession, project_id: int) -> None:
    if await session.get(Project, project_id) is None:
        raise ProjectNotFoundError(project_id)


async def add_task(session: AsyncSession, project_id: int, title: str) -> Task:
    await ensure_project(session, project_id)
    task = Task(project_id=project_id, title=title)
    session.add(task)
    await session.commit()
    return task


async def export_csv(session: AsyncSession, project_id: int) -> str:
    """The project's tasks as CSV."""
    statement = (
        select(Task.id, Task.title, Task.is_done)
        .where(Task.project_id == project_id)
        .order_by(Task.id)
    )
    rows = (await session.execute(statement)).all()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()
