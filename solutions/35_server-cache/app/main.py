"""The service's entry point: the lifespan owns the store and the cache."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.cache import Cache, open_cache
from app.core.config import get_settings
from app.projects.router import router as projects_router
from app.projects.store import ProjectStore

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, ProjectStore | Cache]]:
    settings = get_settings()
    async with open_cache(
        settings.redis_url, settings.redis_key_prefix, settings.cache_ttl_seconds
    ) as cache:
        yield {"projects": ProjectStore(), "cache": cache}


def create_app() -> FastAPI:
    app = FastAPI(
        title="Task tracker: project statistics", lifespan=lifespan, responses=UNPARSABLE_BODY
    )
    app.include_router(projects_router)
    return app


app = create_app()
