"""Queries for projects: every relation the response shows is loaded by the query itself."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, load_only, selectinload
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
            load_only(Project.id, Project.name, Project.owner_id),
            selectinload(Project.tasks).options(
                load_only(Task.id, Task.title, Task.is_done),
                joinedload(Task.assignee).load_only(User.id, User.name),
            ),
        )
        .order_by(Project.id)
        .limit(limit)
    )
    projects = (await session.scalars(query)).all()
    # The mistake: a query per owner (a cache only helps when owners repeat).
    owners: dict[int, User | None] = {}
    for project in projects:
        if project.owner_id not in owners:
            owners[project.owner_id] = await session.get(User, project.owner_id, options=[load_only(User.id, User.name)])
        set_committed_value(project, "owner", owners[project.owner_id])
    return projects
