"""An in-memory task store, one per app (made in the lifespan)."""

from itertools import count

from app.tasks.schemas import TaskRead


class TaskNotFoundError(Exception):
    """No task has this id."""


class TaskStore:
    def __init__(self) -> None:
        self._tasks: dict[int, TaskRead] = {}
        self._ids = count(1)

    def all_tasks(self) -> list[TaskRead]:
        return list(self._tasks.values())

    def add(self, title: str) -> TaskRead:
        task = TaskRead(id=next(self._ids), title=title)
        self._tasks[task.id] = task
        return task

    def update(self, task_id: int, changes: dict[str, object]) -> TaskRead:
        if task_id not in self._tasks:
            raise TaskNotFoundError(task_id)
        task = self._tasks[task_id].model_copy(update=changes)
        self._tasks[task_id] = task
        return task

    def delete(self, task_id: int) -> None:
        if self._tasks.pop(task_id, None) is None:
            raise TaskNotFoundError(task_id)
