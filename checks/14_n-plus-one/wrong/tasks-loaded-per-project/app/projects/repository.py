"""Queries for projects: every relation the response shows is loaded by the query itself."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from app.projects.models import Project, Task, User


async def list_projects(session: AsyncSession, limit: int) -> Sequence[Project]:
    """The first `limit` projects with owner, tasks and assignees: two statements in all.

    - `joinedload` for a many-to-one (owner, assignee): joined into the same statement.
    - `selectinload` for a collection (tasks): one more statement, `WHERE project_id IN (...)`.
    - `load_only` on each: only the columns the listing shows (no task description, no e-mail).
    """
    query = (
        select(Project)
        .options(
            load_only(Project.id, Project.name),
            joinedload(Project.owner, innerjoin=True).load_only(User.id, User.name),
        )
        .order_by(Project.id)
        .limit(limit)
    )
    projects = (await session.scalars(query)).all()
    # The mistake: one more query per project.
    for project in projects:
        tasks = select(Task).options(
            load_only(Task.id, Task.title, Task.is_done),
            joinedload(Task.assignee).load_only(User.id, User.name),
        )
        rows = (await session.scalars(tasks.where(Task.project_id == project.id).order_by(Task.id))).all()
        set_committed_value(project, "tasks", list(rows))
    return projects
