"""The service's entry point: traced by FastAPI's built-in telemetry, plus its database
and its outgoing HTTP calls."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from opentelemetry.trace import TracerProvider

from app.core.config import get_settings
from app.core.db import open_database
from app.core.logging import configure_logging
from app.core.middleware import RequestLogMiddleware
from app.tasks.router import router as tasks_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = get_settings()
    tracer_provider: TracerProvider | None = app.state.tracer_provider
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    async with (
        open_database(settings.database_url, tracer_provider) as sessions,
        httpx.AsyncClient(timeout=timeout) as http_client,
    ):
        yield {"sessions": sessions, "http_client": http_client}


def create_app(tracer_provider: TracerProvider | None = None) -> FastAPI:
    """The app; spans go to `tracer_provider`, or to the global one when none is given.

    FastAPI's built-in telemetry makes the server span of every request, named by the
    route's template, and continues the caller's `traceparent`.
    """
    configure_logging(get_settings().log_level)
    app = FastAPI(
        title="Task tracker: tasks",
        lifespan=lifespan,
        telemetry={"tracer_provider": tracer_provider},
    )
    app.state.tracer_provider = tracer_provider
    app.add_middleware(RequestLogMiddleware)
    app.include_router(tasks_router)
    return app


app = create_app()
