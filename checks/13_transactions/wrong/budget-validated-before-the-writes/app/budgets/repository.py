"""Queries of the budgets feature. They flush, never commit: the caller owns the transaction."""

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.budgets.models import MAX_BUDGET_HOURS, Project, Transfer


async def add(session: AsyncSession, row: Project | Transfer) -> None:
    session.add(row)
    await session.flush()


async def lock_projects(session: AsyncSession, project_ids: set[int]) -> set[int]:
    """Lock the projects' rows until the transaction ends; return the ids that exist.

    Always in id order, so two transfers between the same projects in opposite directions
    queue up instead of deadlocking. (SQLite has no row locks: it runs one writer at a time.)
    """
    query = (
        select(Project.id).where(Project.id.in_(project_ids)).order_by(Project.id).with_for_update()
    )
    return set((await session.scalars(query)).all())


async def budgets(session: AsyncSession, project_ids: set[int]) -> dict[int, int]:
    query = select(Project.id, Project.budget_hours).where(Project.id.in_(project_ids))
    return {project_id: hours for project_id, hours in (await session.execute(query)).all()}


async def debit(session: AsyncSession, project_id: int, hours: int) -> bool:
    """Take hours in one atomic statement, only if the budget holds them."""
    statement = (
        update(Project)
        .where(Project.id == project_id)
        .values(budget_hours=Project.budget_hours - hours)
        .returning(Project.id)
    )
    return (await session.execute(statement)).first() is not None


async def credit(session: AsyncSession, project_id: int, hours: int) -> bool:
    """Add hours in one atomic statement, only if the budget stays within the cap."""
    statement = (
        update(Project)
        .where(Project.id == project_id, Project.budget_hours + hours <= MAX_BUDGET_HOURS)
        .values(budget_hours=Project.budget_hours + hours)
        .returning(Project.id)
    )
    return (await session.execute(statement)).first() is not None


async def list_projects(session: AsyncSession) -> Sequence[Project]:
    return (await session.scalars(select(Project).order_by(Project.id))).all()


async def list_transfers(session: AsyncSession) -> Sequence[Transfer]:
    return (await session.scalars(select(Transfer).order_by(Transfer.id))).all()
