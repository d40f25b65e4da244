"""Tasks kept in memory."""

from dataclasses import dataclass
from itertools import count


@dataclass
class Task:
    id: int
    title: str
    project_id: int
    assignee_email: str


class TaskStore:
    def __init__(self) -> None:
        self._tasks: dict[int, Task] = {}
        self._ids = count(1)

    def add(self, title: str, project_id: int, assignee_email: str) -> Task:
        task = Task(next(self._ids), title, project_id, assignee_email)
        self._tasks[task.id] = task
        return task

    def in_project(self, project_id: int) -> list[Task]:
        return [task for task in self._tasks.values() if task.project_id == project_id]
