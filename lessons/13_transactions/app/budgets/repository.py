"""Queries of the budgets feature."""

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.budgets.exceptions import BudgetRefused
from app.budgets.models import Project, Transfer


async def add(session: AsyncSession, row: Project | Transfer) -> None:
    session.add(row)
    await session.commit()


async def get_project(session: AsyncSession, project_id: int) -> Project | None:
    return await session.get(Project, project_id)


async def change_budget(session: AsyncSession, project_id: int, hours: int) -> None:
    """Add (or, negative, take) hours; the CHECK constraints refuse an out-of-range budget."""
    change = Project.budget_hours + hours
    statement = update(Project).where(Project.id == project_id).values(budget_hours=change)
    try:
        await session.execute(statement)
        await session.commit()
    except IntegrityError as error:
        await session.rollback()
        raise BudgetRefused(project_id) from error


async def list_projects(session: AsyncSession) -> Sequence[Project]:
    return (await session.scalars(select(Project).order_by(Project.id))).all()


async def list_transfers(session: AsyncSession) -> Sequence[Transfer]:
    return (await session.scalars(select(Transfer).order_by(Transfer.id))).all()
