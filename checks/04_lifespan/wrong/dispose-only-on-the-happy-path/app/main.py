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


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[State]:
    settings = get_settings()
    engine = create_async_engine(settings.database_url)
    await create_schema(engine)
    async with httpx.AsyncClient(
        base_url=settings.directory_url, timeout=settings.directory_timeout_seconds
    ) as directory:
        yield {"engine": engine, "directory": directory}
    await engine.dispose()


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    app.include_router(tasks_router)
    return app


app = create_app()
