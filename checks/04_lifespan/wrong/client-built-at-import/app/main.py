"""The service's entry point: the lifespan owns every resource that outlives a request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.core.config import get_settings
from app.tasks.repository import create_schema
from app.tasks.router import router as tasks_router


class State(TypedDict):
    """What every request finds in `request.state`."""

    engine: AsyncEngine
    directory: httpx.AsyncClient


directory = httpx.AsyncClient(
    base_url=get_settings().directory_url, timeout=get_settings().directory_timeout_seconds
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[State]:
    settings = get_settings()
    engine = create_async_engine(settings.database_url)
    try:
        await create_schema(engine)
        yield {"engine": engine, "directory": directory}
    finally:
        await directory.aclose()
        # Runs on shutdown, and also when start-up fails half-way.
        await engine.dispose()


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    app.include_router(tasks_router)
    return app


app = create_app()
