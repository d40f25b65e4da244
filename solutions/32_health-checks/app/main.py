"""The service's entry point: the lifespan owns the database and the limiter."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.core.config import get_settings
from app.core.db import open_database
from app.core.security import RateLimiter
from app.health.probe import DatabaseProbe
from app.health.router import NotReadyError, not_ready
from app.health.router import router as health_router
from app.tasks.router import router as tasks_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = get_settings()
    async with open_database(settings.database_url) as engine:
        probe = DatabaseProbe(engine, settings.readiness_timeout_seconds)
        try:
            yield {
                "sessions": async_sessionmaker(engine, expire_on_commit=False),
                "rate_limiter": RateLimiter(settings.rate_limit_per_minute),
                "database_probe": probe,
            }
        finally:
            await probe.close()


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    app.add_exception_handler(NotReadyError, not_ready)
    app.include_router(health_router)
    app.include_router(tasks_router)
    return app


app = create_app()
