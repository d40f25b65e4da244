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
    try:
        await create_schema(engine)
        async with httpx.AsyncClient(
            base_url=settings.directory_url, timeout=settings.directory_timeout_seconds
        ) as directory:
            app.state.engine = engine
            yield {"engine": engine, "directory": directory}
    except BaseException:
        await engine.dispose()
        raise


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    app.include_router(tasks_router)

    @app.on_event("shutdown")
    async def close_engine() -> None:
        await app.state.engine.dispose()

    return app


app = create_app()
