"""Reports come from the reporting warehouse, which is unreachable in this lesson."""

from fastapi import APIRouter

from app.core.problems import problem_responses

router = APIRouter(prefix="/reports", tags=["reports"])


class WarehouseUnavailableError(Exception):
    """The reporting warehouse did not answer."""


@router.get("/overdue", responses=problem_responses(500))
async def overdue_report() -> dict[str, int]:
    raise WarehouseUnavailableError("connection to the reporting warehouse refused")
