"""HTTP routes for reports."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from app.reports.repository import ReportRepository
from app.reports.schemas import OverdueCount

router = APIRouter(prefix="/reports", tags=["reports"])


def get_reports(request: Request) -> ReportRepository:
    reports: ReportRepository = request.state.reports
    return reports


Reports = Annotated[ReportRepository, Depends(get_reports)]


@router.get("/overdue")
def overdue_report(reports: Reports) -> list[OverdueCount]:
    rows = reports.overdue_by_assignee()
    return [OverdueCount(assignee_id=assignee_id, overdue=count) for assignee_id, count in rows]
