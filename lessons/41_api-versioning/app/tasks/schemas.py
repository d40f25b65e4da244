"""The tasks contract. Changed last sprint: `status` replaced the `done` flag, and lists come
in an envelope with their count."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.tasks.service import Task

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Status = Literal["open", "done"]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    assignee: str | None = None


class TaskOut(BaseModel):
    id: int
    title: str
    status: Status
    assignee: str | None

    @classmethod
    def of(cls, task: Task) -> "TaskOut":
        status: Status = "done" if task.is_done else "open"
        return cls(id=task.id, title=task.title, status=status, assignee=task.assignee)


class TaskList(BaseModel):
    items: list[TaskOut]
    count: int
