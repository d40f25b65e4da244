"""The tasks API contract, and the bounds every list shares."""

from datetime import date
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, StringConstraints

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 200

PRINTABLE = r"^[^\x00-\x1f\x7f]*$"  # no control characters: PostgreSQL refuses NUL in text

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=PRINTABLE)
]
Limit = Annotated[
    int, Query(ge=0, le=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}; above is a 422.")
]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")]
Cursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page."),
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
