"""Task storage (in memory)."""

from dataclasses import dataclass
from typing import Final

TEAM_MEMBER_IDS: Final = frozenset({1, 2, 3})


@dataclass
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
        task = Task(id=len(self._tasks) + 1, title=title)
        self._tasks[task.id] = task
        return task

    def get(self, task_id: int) -> Task | None:
        return self._tasks.get(task_id)

    def matching(
        self, assignee_id: int | None = None, *, is_unassigned: bool = False
    ) -> list[Task]:
        tasks = list(self._tasks.values())
        if is_unassigned:
            return [task for task in tasks if task.assignee_id is None]
        if assignee_id is not None:
            return [task for task in tasks if task.assignee_id == assignee_id]
        return tasks

    def is_member(self, user_id: int) -> bool:
        return user_id in self._members
