"""The service's entry point: logging first, then the app, its middleware and routes."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from app.core.config import get_settings
from app.core.logging import configure_logging
from app.core.middleware import RequestLogMiddleware
from app.tasks.router import router as tasks_router
from app.tasks.store import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    timeout = httpx.Timeout(get_settings().webhook_timeout_seconds)
    async with httpx.AsyncClient(timeout=timeout) as http_client:
        yield {"task_store": TaskStore(), "http_client": http_client}


def create_app() -> FastAPI:
    configure_logging(get_settings().log_level)
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    app.add_middleware(RequestLogMiddleware)
    app.include_router(tasks_router)
    return app


app = create_app()
