"""The service's entry point: the lifespan owns the database and the password hasher."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from app.core.config import get_settings
from app.core.db import open_database
from app.core.errors import register_error_handlers
from app.users.router import router as users_router
from app.users.security import Passwords

logger = logging.getLogger("app.requests")
CallNext = Callable[[Request], Awaitable[Response]]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = get_settings()
    async with open_database(settings.database_url) as sessions:
        yield {"sessions": sessions, "passwords": Passwords(settings)}


async def log_bodies(request: Request, call_next: CallNext) -> Response:
    logger.debug("%s %s body=%s", request.method, request.url.path, await request.body())
    return await call_next(request)


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: users", lifespan=lifespan)
    app.middleware("http")(log_bodies)
    register_error_handlers(app)
    app.include_router(users_router)
    return app


app = create_app()
