"""Task rules and storage (in memory). Every rule is a guard clause that raises a domain error."""

from dataclasses import dataclass, replace
from typing import Final

from app.tasks.exceptions import TaskAlreadyDoneError, TaskNotFoundError, UnknownMemberError

TEAM_MEMBER_IDS: Final = frozenset({1, 2, 3})


@dataclass(frozen=True)
class Task:
    id: int
    title: str
    assignee_id: int | None = None
    is_done: bool = False


class TaskStore:
    def __init__(self, members: frozenset[int] = TEAM_MEMBER_IDS) -> None:
        self._members = members
        self._tasks: dict[int, Task] = {}

    def add(self, title: str) -> Task:
        return self._save(Task(id=len(self._tasks) + 1, title=title))

    def get(self, task_id: int) -> Task:
        task = self._tasks.get(task_id)
        if task is None:
            raise TaskNotFoundError(task_id)
        return task

    def matching(
        self, assignee_id: int | None = None, *, is_unassigned: bool = False
    ) -> list[Task]:
        tasks = list(self._tasks.values())
        if is_unassigned:
            return [task for task in tasks if task.assignee_id is None]
        if assignee_id is not None:
            return [task for task in tasks if task.assignee_id == assignee_id]
        return tasks

    def complete(self, task_id: int) -> Task:
        task = self.get(task_id)
        if task.is_done:
            raise TaskAlreadyDoneError(task_id)
        return self._save(replace(task, is_done=True))

    def assign(self, task_id: int, user_id: int) -> Task:
        # Every precondition first; the write happens only once all of them hold.
        task = self.get(task_id)
        if user_id not in self._members:
            raise UnknownMemberError(user_id)
        saved = self._save(replace(task, assignee_id=user_id))
        if task.is_done:
            raise TaskAlreadyDoneError(task_id)
        return saved

    def _save(self, task: Task) -> Task:
        self._tasks[task.id] = task
        return task
