"""The service's entry point.

`create_app()` takes the directory's transport, a clock and a sleep, so a test can run the
service against a fake directory and drive time itself; left out, they are the real ones.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
from fastapi import FastAPI

from app.assignees.router import router as assignees_router
from app.core.config import Settings

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def lifespan_with(
    transport: httpx.AsyncBaseTransport | None, clock: Clock, sleep: Sleep
) -> Callable[[FastAPI], AbstractAsyncContextManager[dict[str, object]]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
        yield {"settings": Settings(), "transport": transport, "sleep": sleep}

    return lifespan


def create_app(
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> FastAPI:
    app = FastAPI(title="Task tracker: assignees", lifespan=lifespan_with(transport, clock, sleep))
    app.include_router(assignees_router)
    return app


app = create_app()
