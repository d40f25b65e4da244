"""What the project listing shows: each project with its owner and its tasks."""

from pydantic import BaseModel, ConfigDict


class UserSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class TaskSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    is_done: bool
    assignee: UserSummary | None


class ProjectWithTasks(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    owner: UserSummary
    tasks: list[TaskSummary]
