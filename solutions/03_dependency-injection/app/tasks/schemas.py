"""The tasks API contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project_id: Annotated[int, Field(ge=1)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    title: str


class ErrorMessage(BaseModel):
    """The body of a 400 or 404: `{"detail": "..."}`."""

    detail: str
