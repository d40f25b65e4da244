"""HTTP routes for the team's expenses and what they add up to."""

from fastapi import APIRouter, status

from app.core.db import SessionDep
from app.core.errors import ErrorMessage
from app.expenses import service
from app.expenses.schemas import ExpenseCreate, ExpenseRead, Total

router = APIRouter(prefix="/expenses", tags=["expenses"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    # FastAPI answers 400 to a body it cannot decode: the contract says so.
    responses={status.HTTP_400_BAD_REQUEST: {"model": ErrorMessage, "description": "Not JSON"}},
)
async def create_expense(payload: ExpenseCreate, session: SessionDep) -> ExpenseRead:
    return ExpenseRead.model_validate(await service.add_expense(session, payload))


@router.get("")
async def list_expenses(session: SessionDep) -> list[ExpenseRead]:
    return [ExpenseRead.model_validate(expense) for expense in await service.list_expenses(session)]


@router.get("/totals")
async def expense_totals(session: SessionDep) -> list[Total]:
    """What was spent in each currency."""
    return [
        Total(currency=currency, amount=amount)
        for currency, amount in await service.totals(session)
    ]
