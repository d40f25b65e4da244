"""The tasks API contract: what the schema says is exactly what the service accepts and sends."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Priority = Annotated[int, Field(ge=1, le=5, description="1 is the most urgent")]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    priority: Priority = 3
    assignee_id: Annotated[int, Field(gt=0, le=2_147_483_647)] | None = None


class TaskRead(BaseModel):
    id: int
    title: str
    priority: int
    # Required and nullable: every answer carries the key, null when nobody is assigned.
    assignee_id: int | None
    is_done: bool


class TaskPage(BaseModel):
    items: list[TaskRead]
    page: int
    per_page: int
    total: int
    pages: int
