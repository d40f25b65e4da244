"""The service's entry point: database in the lifespan, request log, handlers, routers."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import get_settings
from app.core.db import open_database
from app.core.errors import answer_unexpected_error
from app.users.router import router as users_router

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, async_sessionmaker[AsyncSession]]]:
    settings = get_settings()
    logger.info("starting with settings %s", settings.model_dump())
    async with open_database(settings.database_url) as sessions:
        yield {"sessions": sessions}


async def log_request(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    body = await request.body()
    response = await call_next(request)
    logger.info(
        "%s %s %d headers=%s body=%s",
        request.method,
        request.url,
        response.status_code,
        dict(request.headers),
        body.decode(errors="replace"),
    )
    return response


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: accounts", lifespan=lifespan)
    app.middleware("http")(log_request)
    app.exception_handler(Exception)(answer_unexpected_error)
    app.include_router(users_router)
    return app


app = create_app()
