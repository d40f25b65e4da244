"""Data access for tasks: the protocol the service needs, and its SQL implementation."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.tasks.models import TaskRow
from app.tasks.schemas import TaskCreate, TaskRead


class SqlTaskRepository:
    """TaskRepository on SQLAlchemy. Each write is one transaction (lesson 13 goes further)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, data: TaskCreate) -> TaskRead:
        row = TaskRow(title=data.title, assignee=data.assignee, is_done=False)
        self._session.add(row)
        await self._session.commit()
        return TaskRead.model_validate(row)

    async def get(self, task_id: int) -> TaskRead | None:
        row = await self._session.get(TaskRow, task_id)
        return None if row is None else TaskRead.model_validate(row)

    async def list_all(self) -> list[TaskRead]:
        rows = await self._session.scalars(select(TaskRow).order_by(TaskRow.id))
        return [TaskRead.model_validate(row) for row in rows]

    async def count_open(self, assignee: str) -> int:
        query = select(func.count()).where(TaskRow.assignee == assignee, TaskRow.is_done.is_(False))
        return await self._session.scalar(query) or 0

    async def mark_done(self, task_id: int) -> TaskRead:
        row = await self._session.get_one(TaskRow, task_id)
        row.is_done = True
        await self._session.commit()
        return TaskRead.model_validate(row)
