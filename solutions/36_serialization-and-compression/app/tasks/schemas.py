"""The projects and tasks API contract: what FastAPI validates and serializes."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    task_count: int


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    estimate_hours: Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]
    due_on: date | None = None
    tags: Annotated[list[Annotated[str, StringConstraints(max_length=30)]],
                    Field(max_length=10)] = []


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    title: str
    description: str | None
    status: TaskStatus
    estimate_hours: Decimal
    due_on: date | None
    tags: list[str]
    created_at: datetime


class SparseTask(BaseModel):
    """A task with only the fields the client asked for (`?fields=id,title`).

    Every field is optional in the schema; the route leaves out the ones not asked for
    (`response_model_exclude_unset`), and keeps a requested field even when it is null.
    """

    id: int | None = None
    project_id: int | None = None
    title: str | None = None
    description: str | None = None
    status: TaskStatus | None = None
    estimate_hours: Decimal | None = None
    due_on: date | None = None
    tags: list[str] | None = None
    created_at: datetime | None = None


TASK_FIELDS = frozenset(SparseTask.model_fields)
