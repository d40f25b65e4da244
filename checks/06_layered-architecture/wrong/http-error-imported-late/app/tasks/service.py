"""The task rules: FastAPI is imported inside the methods, so the module itself imports cleanly."""

from app.tasks.repository import TaskRepository
from app.tasks.schemas import TaskCreate, TaskRead

WORK_IN_PROGRESS_LIMIT = 3


class TaskService:
    def __init__(self, repository: TaskRepository) -> None:
        self._repository = repository

    async def create(self, data: TaskCreate) -> TaskRead:
        from fastapi import HTTPException

        open_tasks = await self._repository.count_open(data.assignee)
        if open_tasks >= WORK_IN_PROGRESS_LIMIT:
            raise HTTPException(409, detail="too many open tasks")
        return await self._repository.add(data)

    async def get(self, task_id: int) -> TaskRead:
        from fastapi import HTTPException

        task = await self._repository.get(task_id)
        if task is None:
            raise HTTPException(404, detail="no such task")
        return task

    async def list_all(self) -> list[TaskRead]:
        return await self._repository.list_all()

    async def complete(self, task_id: int) -> TaskRead:
        from fastapi import HTTPException

        task = await self.get(task_id)
        if task.is_done:
            raise HTTPException(409, detail="already done")
        return await self._repository.mark_done(task_id)
