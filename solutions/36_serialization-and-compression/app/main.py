"""The service's entry point: gzip for large answers, the routers, the demo data."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from app.tasks.router import router as tasks_router
from app.tasks.store import TaskStore, demo_store

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}

# Below about 1 KB, gzip saves little and costs CPU on both ends.
GZIP_MINIMUM_SIZE = 1000


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"tasks": demo_store()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan, responses=UNPARSABLE_BODY)
    # Compresses only when the client sends Accept-Encoding: gzip, and adds
    # Vary: Accept-Encoding so caches keep both versions apart.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=5)
    app.include_router(tasks_router)
    return app


app = create_app()
