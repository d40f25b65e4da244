"""HTTP routes for reports."""

import traceback
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from app.core.schemas import ErrorBody
from app.reports.repository import ReportRepository
from app.reports.schemas import OverdueCount

router = APIRouter(prefix="/reports", tags=["reports"])


def get_reports(request: Request) -> ReportRepository:
    reports: ReportRepository = request.state.reports
    return reports


Reports = Annotated[ReportRepository, Depends(get_reports)]


@router.get("/overdue")
def overdue_report(reports: Reports) -> list[OverdueCount] | ErrorBody:
    try:
        rows = reports.overdue_by_assignee()
    except Exception as exc:
        # Give the caller everything we know, so they can tell what went wrong.
        return ErrorBody(error=str(exc), traceback=traceback.format_exc())
    return [OverdueCount(assignee_id=assignee_id, overdue=count) for assignee_id, count in rows]
