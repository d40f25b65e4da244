"""HTTP routes for projects."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from app.core.problems import problem_responses
from app.projects.schemas import ProjectOverview
from app.projects.service import OverviewService

router = APIRouter(tags=["projects"], responses=problem_responses(422, 502, 504))


def get_overview_service(request: Request) -> OverviewService:
    service: OverviewService = request.state.overview
    return service


@router.get("/projects/{project_id}/overview")
async def read_overview(
    project_id: Annotated[int, Path(gt=0, le=2**31 - 1)],
    service: Annotated[OverviewService, Depends(get_overview_service)],
) -> ProjectOverview:
    return await service.overview(project_id)
