"""Version 2 of the contract: `status` replaces the `done` flag, lists come in an envelope."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.tasks.service import Task

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Status = Literal["open", "done"]


class TaskCreateV2(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    assignee: str | None = None


class TaskV2(BaseModel):
    id: int
    title: str
    status: Status
    assignee: str | None

    @classmethod
    def of(cls, task: Task) -> "TaskV2":
        status: Status = "done" if task.is_done else "open"
        return cls(id=task.id, title=task.title, status=status, assignee=task.assignee)


class TaskListV2(BaseModel):
    items: list[TaskV2]
    count: int
