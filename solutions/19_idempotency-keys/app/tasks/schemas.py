"""The projects and tasks API contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

# No control characters: PostgreSQL refuses NUL in text, and none belongs in a name anyway.
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=PRINTABLE)
]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=PRINTABLE)
]


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


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    title: str
    is_done: bool


class ErrorMessage(BaseModel):
    """The body of an error answer: what went wrong, for a person to read."""

    detail: str
