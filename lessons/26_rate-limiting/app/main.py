"""The service's entry point."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.errors import register_error_handlers
from app.health.router import router as health_router
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    yield {"task_store": TaskStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker", lifespan=lifespan)
    register_error_handlers(app)
    app.include_router(tasks_router)
    app.include_router(health_router)
    return app


app = create_app()
