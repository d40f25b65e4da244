"""The service's entry point: CORS from the settings, the task store from the lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.config import get_settings
from app.core.cors import add_cors
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"tasks": TaskStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    # Middleware is fixed when the app is built, so the settings are read here: a wildcard
    # origin stops the service before it serves anything.
    add_cors(app, get_settings())
    app.include_router(tasks_router)
    return app


app = create_app()
