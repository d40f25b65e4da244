"""The service's entry point: the lifespan owns the store; the cache is made once, at import."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.cache import Cache, MemoryStore
from app.core.config import get_settings
from app.projects.router import router as projects_router
from app.projects.store import ProjectStore

CACHE = Cache(MemoryStore(), get_settings().cache_ttl_seconds)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, ProjectStore | Cache]]:
    yield {"projects": ProjectStore(), "cache": CACHE}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: project statistics", lifespan=lifespan)
    app.include_router(projects_router)
    return app


app = create_app()
