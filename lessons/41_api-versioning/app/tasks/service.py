"""Tasks, kept in memory: one store behind every version of the API."""

from dataclasses import dataclass, replace
from itertools import count


@dataclass(frozen=True)
class Task:
    id: int
    title: str
    assignee: str | None = None
    is_done: bool = False


class TaskNotFoundError(LookupError):
    """No task has this id."""


class TaskStore:
    def __init__(self) -> None:
        self._tasks: dict[int, Task] = {}
        self._ids = count(1)

    def add(self, title: str, assignee: str | None = None) -> Task:
        return self._save(Task(id=next(self._ids), title=title, assignee=assignee))

    def all(self) -> list[Task]:
        return list(self._tasks.values())

    def get(self, task_id: int) -> Task:
        task = self._tasks.get(task_id)
        if task is None:
            raise TaskNotFoundError(task_id)
        return task

    def complete(self, task_id: int) -> Task:
        return self._save(replace(self.get(task_id), is_done=True))

    def _save(self, task: Task) -> Task:
        self._tasks[task.id] = task
        return task
