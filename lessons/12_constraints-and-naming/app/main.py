"""The service's entry point."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import get_settings
from app.core.db import open_database
from app.tracker.router import router as tracker_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, async_sessionmaker[AsyncSession]]]:
    async with open_database(get_settings().database_url) as sessions:
        yield {"sessions": sessions}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker", lifespan=lifespan)
    app.include_router(tracker_router)
    return app


app = create_app()
