"""The tasks, kept in memory for this lesson."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.tasks.schemas import TaskRead


@dataclass
class TaskStore:
    tasks: dict[int, TaskRead] = field(default_factory=dict)

    def add(self, title: str, now: float) -> TaskRead:
        created_at = datetime.fromtimestamp(now, tz=UTC)
        task = TaskRead(id=len(self.tasks) + 1, title=title, created_at=created_at)
        self.tasks[task.id] = task
        return task
