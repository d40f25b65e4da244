"""The projects API contract."""

from pydantic import BaseModel

from app.upstream.schemas import Member, Milestone, TaskSummary


class ProjectOverview(BaseModel):
    project_id: int
    tasks: list[TaskSummary]
    members: list[Member]
    milestones: list[Milestone]
