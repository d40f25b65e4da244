"""The service's entry point: the lifespan owns the database, the routers own the HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import get_settings
from app.core.db import open_database
from app.tasks.router import router as tasks_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    async with open_database(get_settings().database_url) as sessions:
        yield {"sessions": sessions, "url": get_settings().database_url}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: projects", lifespan=lifespan)
    app.include_router(tasks_router)
    return app


app = create_app()
