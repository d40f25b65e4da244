"""The people API contract."""

from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, StringConstraints

PRINTABLE = r"^[^\x00-\x1f\x7f]*$"  # no control characters: PostgreSQL refuses NUL in text

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=PRINTABLE)
]
SearchTerm = Annotated[str, Query(min_length=1, max_length=100, pattern=PRINTABLE)]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class ApiKeyCreated(BaseModel):  # the key itself is shown this once, never stored
    id: int
    token: str


class ErrorMessage(BaseModel):
    """The body of an error answer: what went wrong, for a person to read."""

    detail: str
