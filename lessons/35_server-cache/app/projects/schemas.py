"""The projects API contract."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Username = Annotated[str, StringConstraints(min_length=1, max_length=50)]
TaskStatus = Literal["open", "done"]


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    assignee: Username


class TaskUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    is_done: bool


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    title: str
    assignee: str
    is_done: bool


class ProjectStats(BaseModel):
    """How many of the project's tasks have a status, and how many of those are the caller's."""

    project_id: int
    status: TaskStatus
    total: int
    mine: int
