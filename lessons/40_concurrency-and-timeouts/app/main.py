"""The service's entry point.

`create_app()` takes the upstream's transport, so a test can run the service against a fake
project-data service; left out, httpx's real network transport is used.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from app.core.config import Settings
from app.projects.router import router as projects_router
from app.projects.upstream import UpstreamFailedError


def lifespan_with(
    transport: httpx.AsyncBaseTransport | None,
) -> Callable[[FastAPI], AbstractAsyncContextManager[dict[str, object]]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
        settings = Settings()
        async with httpx.AsyncClient(
            base_url=settings.upstream_url,
            transport=transport,
            timeout=httpx.Timeout(settings.upstream_timeout_seconds),
            limits=httpx.Limits(max_connections=settings.upstream_max_connections),
        ) as client:
            yield {"client": client}

    return lifespan


async def answer_upstream_failure(request: Request, error: Exception) -> JSONResponse:
    problem = {
        "type": "https://task-tracker.example/problems/upstream-failed",
        "title": "A service this answer depends on failed",
        "status": 502,
        "detail": str(error),
        "instance": request.url.path,
    }
    return JSONResponse(problem, status_code=502, media_type="application/problem+json")


def create_app(*, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    app = FastAPI(title="Task tracker: project overview", lifespan=lifespan_with(transport))
    app.exception_handler(UpstreamFailedError)(answer_upstream_failure)
    app.include_router(projects_router)
    return app


app = create_app()
