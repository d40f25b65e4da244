"""The service's entry point: builds the app, its database and its error mapping."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.core.config import Settings
from app.core.database import Base
from app.tasks.service import TaskError
from app.tasks.router import router as tasks_router
from app.tasks.router import task_error_handler


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, async_sessionmaker[AsyncSession]]]:
    engine = create_async_engine(Settings().database_url)
    async with engine.begin() as connection:
        # Lesson 18 hands the schema to Alembic migrations.
        await connection.run_sync(Base.metadata.create_all)
    try:
        yield {"sessions": async_sessionmaker(engine, expire_on_commit=False)}
    finally:
        await engine.dispose()


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    app.include_router(tasks_router)
    app.add_exception_handler(TaskError, task_error_handler)
    return app


app = create_app()
