"""Tasks kept in memory, one store per running app."""

import logging

from app.tasks.schemas import TaskRead

logger = logging.getLogger(__name__)


class TaskNotFoundError(Exception):
    """No task has this id."""


class TaskStore:
    def __init__(self) -> None:
        self._tasks: dict[int, TaskRead] = {}

    def add(self, title: str) -> TaskRead:
        task = TaskRead(id=len(self._tasks) + 1, title=title, is_done=False)
        self._tasks[task.id] = task
        logger.debug("task stored", extra={"task_id": task.id})
        return task

    def get(self, task_id: int) -> TaskRead:
        task = self._tasks.get(task_id)
        if task is None:
            raise TaskNotFoundError(task_id)
        return task

    def list(self) -> list[TaskRead]:
        return list(self._tasks.values())
