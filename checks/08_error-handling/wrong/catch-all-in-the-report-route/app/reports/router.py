"""HTTP routes for reports."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from fastapi.responses import JSONResponse

from app.core.errors import answer_unexpected_error
from app.reports.repository import ReportRepository
from app.reports.schemas import OverdueCount

router = APIRouter(prefix="/reports", tags=["reports"])


def get_reports(request: Request) -> ReportRepository:
    reports: ReportRepository = request.state.reports
    return reports


Reports = Annotated[ReportRepository, Depends(get_reports)]


@router.get("/overdue", response_model=list[OverdueCount])
async def overdue_report(request: Request, reports: Reports) -> list[OverdueCount] | JSONResponse:
    # No try/except here: an unexpected failure belongs to the app's catch-all handler.
    try:
        rows = reports.overdue_by_assignee()
    except Exception as error:  # noqa: BLE001
        return await answer_unexpected_error(request, error)
    return [OverdueCount(assignee_id=assignee_id, overdue=count) for assignee_id, count in rows]
