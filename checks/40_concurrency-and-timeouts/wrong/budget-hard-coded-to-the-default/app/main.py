"""The service's entry point: builds the app; the lifespan owns the one HTTP client.

`create_app()` takes the upstream's transport, so a test can run the service against a fake
project-data service; left out, httpx's real network transport is used.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypedDict

import httpx
from fastapi import FastAPI

from app.core.config import Settings
from app.core.errors import register_error_handlers
from app.core.problems import ProblemDetailsApp
from app.projects.router import router as projects_router
from app.projects.service import OverviewService
from app.upstream.client import ProjectData


class State(TypedDict):
    overview: OverviewService


def lifespan_with(
    transport: httpx.AsyncBaseTransport | None,
) -> Callable[[FastAPI], AbstractAsyncContextManager[State]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        settings = Settings()
        async with httpx.AsyncClient(
            base_url=settings.upstream_url,
            transport=transport,
            timeout=httpx.Timeout(settings.upstream_timeout_seconds),
            limits=httpx.Limits(max_connections=settings.upstream_max_connections),
        ) as client:
            service = OverviewService(ProjectData(client), 2.0)
            yield {"overview": service}

    return lifespan


def create_app(*, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    app = ProblemDetailsApp(
        title="Task tracker: project overview", lifespan=lifespan_with(transport)
    )
    register_error_handlers(app)
    app.include_router(projects_router)
    return app


app = create_app()
