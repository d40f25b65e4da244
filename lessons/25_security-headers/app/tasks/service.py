"""The tasks, kept in memory for this lesson."""

from dataclasses import dataclass, field

from app.tasks.schemas import TaskRead


@dataclass
class TaskStore:
    tasks: dict[int, TaskRead] = field(default_factory=dict)

    def add(self, title: str) -> TaskRead:
        task = TaskRead(id=len(self.tasks) + 1, title=title)
        self.tasks[task.id] = task
        return task
