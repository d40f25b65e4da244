"""The task rules. No HTTP and no SQL here: the service works with any TaskRepository."""

from app.tasks.exceptions import TaskAlreadyDoneError, TaskNotFoundError, WorkInProgressLimitError
from app.tasks.repository import SqlTaskRepository
from app.tasks.schemas import TaskCreate, TaskRead

WORK_IN_PROGRESS_LIMIT = 3


class TaskService:
    def __init__(self, repository: SqlTaskRepository) -> None:
        self._repository = repository

    async def create(self, data: TaskCreate) -> TaskRead:
        open_tasks = await self._repository.count_open(data.assignee)
        if open_tasks >= WORK_IN_PROGRESS_LIMIT:
            raise WorkInProgressLimitError(data.assignee, WORK_IN_PROGRESS_LIMIT)
        return await self._repository.add(data)

    async def get(self, task_id: int) -> TaskRead:
        task = await self._repository.get(task_id)
        if task is None:
            raise TaskNotFoundError(task_id)
        return task

    async def list_all(self) -> list[TaskRead]:
        return await self._repository.list_all()

    async def complete(self, task_id: int) -> TaskRead:
        task = await self.get(task_id)
        if task.is_done:
            raise TaskAlreadyDoneError(task_id)
        return await self._repository.mark_done(task_id)
