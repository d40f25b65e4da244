"""The projects and tasks API contract."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    estimate_hours: Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]
    due_on: date | None = None
    tags: Annotated[list[Annotated[str, StringConstraints(max_length=30)]],
                    Field(max_length=10)] = []
