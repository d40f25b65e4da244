"""What the project-data service answers, validated before the service trusts it."""

from pydantic import BaseModel


class TaskSummary(BaseModel):
    id: int
    title: str


class Member(BaseModel):
    login: str


class Milestone(BaseModel):
    name: str
    due: str
