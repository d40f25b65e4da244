"""The service's entry point: builds the app, its problem handlers and its routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.errors import register_error_handlers
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    yield {"task_store": TaskStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker", version="1.0.0", lifespan=lifespan)
    register_error_handlers(app)
    app.include_router(tasks_router)
    return app


app = create_app()
