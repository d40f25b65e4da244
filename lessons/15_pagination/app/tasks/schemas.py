"""The tasks API contract."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

PRINTABLE = r"^[^\x00-\x1f\x7f]*$"  # no control characters: PostgreSQL refuses NUL in text

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=PRINTABLE)
]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    due_on: date


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    due_on: date


class TaskPage(BaseModel):
    """One page of the feed; `next_cursor` is null on the last page."""

    items: list[TaskRead]
    next_cursor: str | None
