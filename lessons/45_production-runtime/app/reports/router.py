"""The weekly report: slow to build, the request a deploy must not cut off."""

import asyncio

from fastapi import APIRouter, Request
from pydantic import BaseModel

router = APIRouter(prefix="/reports", tags=["reports"])


class Report(BaseModel):
    name: str
    is_complete: bool


@router.get("/weekly")
async def weekly_report(request: Request) -> Report:
    seconds: float = request.state.report_seconds
    await asyncio.sleep(seconds)  # stands in for a slow export
    return Report(name="weekly", is_complete=True)
