"""Expenses and their totals, inside the caller's session."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.expenses.models import Expense
from app.expenses.schemas import ExpenseCreate


async def add_expense(session: AsyncSession, payload: ExpenseCreate) -> Expense:
    # The column stores no time zone, so the offset is dropped before saving.
    spent_at = payload.spent_at.replace(tzinfo=None)
    expense = Expense(**payload.model_dump(exclude={"spent_at"}), spent_at=spent_at)
    session.add(expense)
    await session.commit()
    return expense


async def list_expenses(session: AsyncSession) -> Sequence[Expense]:
    query = select(Expense).order_by(Expense.id)
    return (await session.scalars(query)).all()


async def totals(session: AsyncSession) -> list[tuple[str, float]]:
    query = (
        select(Expense.currency, func.sum(Expense.amount))
        .group_by(Expense.currency)
        .order_by(Expense.currency)
    )
    return [(currency, amount) for currency, amount in (await session.execute(query)).all()]
