"""Task rules: knows the repository it is given, never where it came from."""

from app.tasks.exceptions import TaskNotFoundError
from app.tasks.repository import Task, TaskRepository
from app.tasks.schemas import TaskCreate


class TaskService:
    def __init__(self, repository: TaskRepository) -> None:
        self._repository = repository

    def create(self, data: TaskCreate) -> Task:
        return self._repository.add(data.project_id, data.title)

    def list(self) -> list[Task]:
        return self._repository.list()

    def get(self, task_id: int) -> Task:
        task = self._repository.get(task_id)
        if task is None:
            raise TaskNotFoundError(task_id)
        return task
