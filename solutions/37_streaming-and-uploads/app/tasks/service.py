"""Project and task operations, and the streamed CSV export."""

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.tasks.models import Project, Task

EXPORT_BATCH_ROWS = 1000
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


async def export_csv(
    sessions: async_sessionmaker[AsyncSession], project_id: int
) -> AsyncIterator[bytes]:
    """The project's tasks as CSV, fetched and sent EXPORT_BATCH_ROWS at a time.

    The session is the generator's own: it lives exactly as long as the stream, and
    `async with` returns its connection to the pool however the stream ends (finished,
    failed, or cancelled because the client went away).
    """
    statement = (
        select(Task.id, Task.title, Task.is_done)
        .where(Task.project_id == project_id)
        .order_by(Task.id)
        .execution_options(yield_per=EXPORT_BATCH_ROWS)
    )
    yield csv_text([EXPORT_COLUMNS])
    async with sessions() as session:
        result = await session.stream(statement)
        async for rows in result.partitions():
            yield csv_text(rows)


def csv_text(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()
