"""The tracker's API contract."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

MAX_ID = 2_147_483_647  # the largest value an INTEGER column holds
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"  # no NUL or other control characters
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=PRINTABLE)
]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=PRINTABLE)
]
TaskStatus = Literal["open", "doing", "done"]


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
    status: TaskStatus = "open"


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    title: str
    status: TaskStatus
