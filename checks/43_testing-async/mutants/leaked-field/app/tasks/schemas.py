"""The tasks API contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    priority: Annotated[int, Field(ge=1, le=5)] = 3


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    priority: int
    is_done: bool


class TaskDetail(TaskRead):
    edit_token: str


class TaskPage(BaseModel):
    items: list[TaskDetail]
    page: int
    size: int
    total: int
