"""Task rules and storage (in memory). Every rule is a guard clause that raises a domain error."""

from dataclasses import dataclass, replace
from itertools import count

from app.tasks.exceptions import TaskAlreadyDoneError, TaskNotFoundError


@dataclass(frozen=True)
class Task:
    id: int
    title: str
    priority: int
    assignee_id: int | None = None
    is_done: bool = False


class TaskStore:
    def __init__(self) -> None:
        self._tasks: dict[int, Task] = {}
        self._ids = count(1)

    def add(self, title: str, priority: int, assignee_id: int | None) -> Task:
        task = Task(id=next(self._ids), title=title, priority=priority, assignee_id=assignee_id)
        return self._save(task)

    def get(self, task_id: int) -> Task:
        task = self._tasks.get(task_id)
        if task is None:
            raise TaskNotFoundError(task_id)
        return task

    def count(self) -> int:
        return len(self._tasks)

    def page(self, limit: int, offset: int) -> list[Task]:
        return list(self._tasks.values())[offset : offset + limit]

    def complete(self, task_id: int) -> Task:
        task = self.get(task_id)
        if task.is_done:
            raise TaskAlreadyDoneError(task_id)
        return self._save(replace(task, is_done=True))

    def remove(self, task_id: int) -> None:
        self.get(task_id)
        del self._tasks[task_id]

    def _save(self, task: Task) -> Task:
        self._tasks[task.id] = task
        return task
