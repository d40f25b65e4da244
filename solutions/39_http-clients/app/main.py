"""The service's entry point: builds the app; the lifespan owns the one HTTP client.

`create_app()` takes the directory's transport, a clock and a sleep, so a test can run the
service against a fake directory and drive time itself; left out, they are the real ones.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypedDict

import httpx
from fastapi import FastAPI

from app.assignees.router import router as assignees_router
from app.core.config import Settings
from app.core.errors import register_error_handlers
from app.core.problems import ProblemDetailsApp
from app.directory.client import DirectoryClient
from app.directory.resilience import CircuitBreaker, Clock, RetryPolicy, Sleep

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


class State(TypedDict):
    directory: DirectoryClient


def lifespan_with(
    transport: httpx.AsyncBaseTransport | None, clock: Clock, sleep: Sleep
) -> Callable[[FastAPI], AbstractAsyncContextManager[State]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        settings = Settings()
        # One client for the whole process: it pools connections; closing it ends them.
        async with httpx.AsyncClient(
            base_url=settings.directory_url,
            transport=transport,
            timeout=httpx.Timeout(settings.directory_timeout_seconds),
            limits=httpx.Limits(
                max_connections=settings.directory_max_connections,
                max_keepalive_connections=settings.directory_max_connections,
            ),
        ) as client:
            breaker = CircuitBreaker(
                settings.breaker_threshold, settings.breaker_cooldown_seconds, clock
            )
            retry = RetryPolicy(
                settings.directory_attempts,
                settings.directory_backoff_seconds,
                settings.directory_backoff_max_seconds,
            )
            yield {"directory": DirectoryClient(client, breaker, retry, sleep)}

    return lifespan


def create_app(
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> FastAPI:
    app = ProblemDetailsApp(
        title="Task tracker: assignees",
        lifespan=lifespan_with(transport, clock, sleep),
        responses=UNPARSABLE_BODY,
    )
    register_error_handlers(app)
    app.include_router(assignees_router)
    return app


app = create_app()
