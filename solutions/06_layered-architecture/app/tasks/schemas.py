"""The tasks API contract; the service and the repository speak it too."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

# No NUL character: PostgreSQL refuses it in text, and none belongs in a title or a name.
NO_NUL = r"^[^\x00]*$"
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=NO_NUL)
]
Assignee = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=NO_NUL)
]


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


class ErrorMessage(BaseModel):
    """The body of a 400, 404 or 409: `{"detail": "..."}`."""

    detail: str
