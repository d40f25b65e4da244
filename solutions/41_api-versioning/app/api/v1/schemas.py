"""Version 1 of the contract, frozen: field names, order and types are what v1 clients parse."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.tasks.service import Task

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TaskCreateV1(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    assignee: str | None = None


class TaskV1(BaseModel):
    id: int
    title: str
    # The wire name is frozen as `done`; the Python name reads as a question.
    is_done: bool = Field(serialization_alias="done")
    assignee: str | None

    @classmethod
    def of(cls, task: Task) -> "TaskV1":
        return cls(id=task.id, title=task.title, is_done=task.is_done, assignee=task.assignee)
