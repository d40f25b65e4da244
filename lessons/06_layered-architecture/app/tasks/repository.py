"""Data access for tasks.

TODO(lesson 06): the handlers in router.py still run their SQL themselves. The service you
write asks storage for data only through this protocol; put the SQL implementation here too.
"""

from typing import Protocol

from app.tasks.schemas import TaskCreate, TaskRead


class TaskRepository(Protocol):
    """Everything the service may ask of storage. Any class with these methods will do."""

    async def add(self, data: TaskCreate) -> TaskRead: ...

    async def get(self, task_id: int) -> TaskRead | None: ...

    async def list_all(self) -> list[TaskRead]: ...

    async def count_open(self, assignee: str) -> int: ...

    async def mark_done(self, task_id: int) -> TaskRead: ...
