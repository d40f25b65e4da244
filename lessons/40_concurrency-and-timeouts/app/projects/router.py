"""HTTP routes for projects."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel

from app.projects.upstream import fetch_list

router = APIRouter(tags=["projects"])


class ProjectOverview(BaseModel):
    project_id: int
    tasks: list[dict[str, object]]
    members: list[dict[str, object]]
    milestones: list[dict[str, object]]


@router.get("/projects/{project_id}/overview")
async def read_overview(
    project_id: Annotated[int, Path(gt=0, le=2**31 - 1)], request: Request
) -> ProjectOverview:
    client = request.state.client
    # One call after the other; however long they take.
    tasks = await fetch_list(client, f"/projects/{project_id}/tasks")
    members = await fetch_list(client, f"/projects/{project_id}/members")
    milestones = await fetch_list(client, f"/projects/{project_id}/milestones")
    return ProjectOverview(
        project_id=project_id, tasks=tasks, members=members, milestones=milestones
    )
