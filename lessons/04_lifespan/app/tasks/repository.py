"""Task storage (SQLAlchemy Core; lesson 11 brings the ORM and sessions)."""

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.tasks.schemas import TaskRead

metadata = MetaData()
task_table = Table(
    "task",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("assignee", String(40), nullable=False),
    Column("assignee_name", String(120), nullable=False),
)


async def create_schema(engine: AsyncEngine) -> None:
    # Lesson 18 replaces this with migrations.
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


class TaskRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, title: str, assignee: str, assignee_name: str) -> TaskRead:
        values = {"title": title, "assignee": assignee, "assignee_name": assignee_name}
        async with self._engine.begin() as connection:
            result = await connection.execute(
                insert(task_table).values(values).returning(*task_table.c)
            )
            return TaskRead.model_validate(result.one())

    async def list_all(self) -> list[TaskRead]:
        async with self._engine.connect() as connection:
            result = await connection.execute(select(task_table).order_by(task_table.c.id))
            return [TaskRead.model_validate(row) for row in result]
