"""The tasks, kept in memory for this lesson."""

from dataclasses import dataclass, field

from app.tasks.schemas import TaskCreate, TaskRead


@dataclass
class TaskStore:
    tasks: dict[int, TaskRead] = field(default_factory=dict)

    def add(self, payload: TaskCreate) -> TaskRead:
        task = TaskRead(id=len(self.tasks) + 1, **payload.model_dump())
        self.tasks[task.id] = task
        return task
