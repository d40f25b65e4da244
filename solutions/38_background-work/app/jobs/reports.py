"""A project's report: heavy work, run as a job rather than inside a request."""

import asyncio
from collections import Counter
from typing import Protocol

from app.tasks.service import TaskStore


class ReportBuilder(Protocol):
    async def build(self, project_id: int) -> dict[str, int]: ...


class TaskCountReport:
    """A stand-in for the reporting warehouse: slow, then counts the project's tasks."""

    def __init__(self, store: TaskStore, seconds: float) -> None:
        self._store = store
        self._seconds = seconds

    async def build(self, project_id: int) -> dict[str, int]:
        await asyncio.sleep(self._seconds)
        tasks = self._store.in_project(project_id)
        assignees = Counter(task.assignee_email for task in tasks)
        return {"project_id": project_id, "tasks": len(tasks), "assignees": len(assignees)}
