"""The tasks API contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

# No NUL: PostgreSQL cannot store it in text.
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\x00]*$"),
]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    is_done: bool


class ErrorMessage(BaseModel):
    """The body of a 4xx: FastAPI's `{"detail": "..."}`."""

    detail: str
