"""Tasks kept in memory: the lesson is about what happens after the answer, not storage."""

from dataclasses import dataclass
from itertools import count

from app.core.exceptions import NotFoundError


class TaskNotFoundError(NotFoundError):
    code = "task-not-found"
    title = "Task not found"


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

    def get(self, task_id: int) -> Task:
        task = self._tasks.get(task_id)
        if task is None:
            raise TaskNotFoundError(f"task {task_id} does not exist")
        return task

    def in_project(self, project_id: int) -> list[Task]:
        return [task for task in self._tasks.values() if task.project_id == project_id]
