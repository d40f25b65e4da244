"""The service's entry point: both API versions, one store, v1 announced as deprecated."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.deprecation import V1_DEPRECATED_AT, V1_SUNSET_AT, DeprecationHeaders
from app.api.v1.router import router as v1_router
from app.api.v2.router import router as v2_router
from app.tasks.service import TaskStore

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    yield {"task_store": TaskStore()}


def create_app() -> FastAPI:
    app = FastAPI(
        title="Task tracker", version="2.0.0", lifespan=lifespan, responses=UNPARSABLE_BODY
    )
    app.include_router(v1_router, prefix="/api/v1")
    app.include_router(v2_router, prefix="/api/v2")
    app.add_middleware(
        DeprecationHeaders,
        prefix="/api/v1",
        deprecated_at=V1_DEPRECATED_AT,
        sunset_at=V1_SUNSET_AT,
        successor="/api/v2/tasks",
    )
    return app


app = create_app()
