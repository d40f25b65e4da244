"""A project's report: counted by the (slow) reporting warehouse."""

from typing import Annotated

from fastapi import APIRouter, Path, Request

router = APIRouter(tags=["reports"])


@router.post("/projects/{project_id}/reports")
async def request_report(
    project_id: Annotated[int, Path(gt=0, le=2**31 - 1)], request: Request
) -> dict[str, int]:
    # The client waits until the whole report is built; if it fails, it gets a 500.
    report: dict[str, int] = await request.state.report_builder.build(project_id)
    return report
