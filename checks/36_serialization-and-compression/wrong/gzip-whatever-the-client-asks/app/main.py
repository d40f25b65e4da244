"""The service's entry point: gzip for large answers, the routers, the demo data."""

import gzip
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from app.tasks.router import router as tasks_router
from app.tasks.store import TaskStore, demo_store

# Below about 1 KB, gzip saves little and costs CPU on both ends.
GZIP_MINIMUM_SIZE = 1000


class AlwaysGzip(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        headers = dict(response.headers)
        if len(body) >= GZIP_MINIMUM_SIZE:
            body = gzip.compress(body, compresslevel=5)
            headers["content-encoding"] = "gzip"
            headers["vary"] = "Accept-Encoding"
        headers["content-length"] = str(len(body))
        return Response(body, response.status_code, headers=headers)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"tasks": demo_store()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    # Compresses only when the client sends Accept-Encoding: gzip, and adds
    # Vary: Accept-Encoding so caches keep both versions apart.
    app.add_middleware(AlwaysGzip)
    app.include_router(tasks_router)
    return app


app = create_app()
