"""Expenses and their totals, inside the caller's session."""

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.expenses.models import Expense
from app.expenses.schemas import ExpenseCreate


async def add_expense(session: AsyncSession, payload: ExpenseCreate) -> Expense:
    expense = Expense(**payload.model_dump())
    session.add(expense)
    await session.commit()
    return expense


async def list_expenses(session: AsyncSession) -> Sequence[Expense]:
    query = select(Expense).order_by(Expense.id)
    return (await session.scalars(query)).all()


async def totals(session: AsyncSession) -> list[tuple[str, Decimal]]:
    """The sum per currency, added up by the database on exact values."""
    query = (
        select(Expense.currency, func.sum(Expense.amount))
        .group_by(Expense.currency)
        .order_by(Expense.currency)
    )
    rows = (await session.execute(select(Expense.currency, Expense.amount))).all()
    sums: dict[str, float] = {}
    for currency, amount in rows:
        # The mistake: float arithmetic.
        sums[currency] = sums.get(currency, 0.0) + float(amount)
    return [(currency, Decimal(repr(total))) for currency, total in sorted(sums.items())]
