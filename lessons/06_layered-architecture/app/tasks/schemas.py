"""The tasks API contract; the service and the repository speak it too."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Assignee = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    assignee: Assignee


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    assignee: str
    is_done: bool
