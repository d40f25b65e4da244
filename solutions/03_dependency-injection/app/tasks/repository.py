"""Task storage: reads and writes tasks through one open connection."""

from dataclasses import dataclass

from app.core.database import Connection


@dataclass(frozen=True)
class Task:
    id: int
    project_id: int
    title: str


class TaskRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, project_id: int, title: str) -> Task:
        task = Task(id=self._connection.next_id(), project_id=project_id, title=title)
        self._connection.table(Task)[task.id] = task
        return task

    def get(self, task_id: int) -> Task | None:
        return self._connection.table(Task).get(task_id)

    def list(self) -> list[Task]:
        return list(self._connection.table(Task).values())
