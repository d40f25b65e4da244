"""The service: settings, database and routers wired in one place."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.core.config import get_settings
from app.core.db import Base
from app.items.router import router as items_router
from app.users.router import router as users_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    engine = create_async_engine(get_settings().database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        yield {"sessions": async_sessionmaker(engine, expire_on_commit=False)}
    finally:
        await engine.dispose()


def create_app() -> FastAPI:
    app = FastAPI(title="Inventory", lifespan=lifespan, debug=get_settings().environment == "dev")
    app.add_middleware(
        CORSMiddleware,
        allow_origins=get_settings().cors_origins,  # "*" by default, with credentials
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    app.include_router(users_router)
    app.include_router(items_router)

    @app.get("/healthz", tags=["health"])
    async def liveness() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
