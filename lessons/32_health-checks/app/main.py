"""The service's entry point."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.core.config import get_settings
from app.core.db import open_database
from app.core.security import RateLimiter, RateLimitMiddleware, require_api_key
from app.tasks.router import router as tasks_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    async with open_database(get_settings().database_url) as engine:
        yield {"engine": engine, "sessions": async_sessionmaker(engine, expire_on_commit=False)}


def create_app() -> FastAPI:
    # Every route needs the API key.
    app = FastAPI(
        title="Task tracker: tasks", lifespan=lifespan, dependencies=[Depends(require_api_key)]
    )
    app.add_middleware(RateLimitMiddleware, limiter=RateLimiter(get_settings().rate_limit_per_minute))
    app.include_router(tasks_router)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
