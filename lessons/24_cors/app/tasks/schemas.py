"""The tasks API contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title


class TaskUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    is_done: bool | None = None


class TaskRead(BaseModel):
    id: int
    title: str
    is_done: bool = False
