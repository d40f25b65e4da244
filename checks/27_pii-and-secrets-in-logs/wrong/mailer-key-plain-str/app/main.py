"""The service's entry point: database in the lifespan, access log, handlers, routers."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import get_settings
from app.core.db import open_database
from app.core.errors import answer_unexpected_error
from app.core.log_levels import quiet_parameter_loggers
from app.core.privacy import AccessLogMiddleware
from app.users.router import router as users_router

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, async_sessionmaker[AsyncSession]]]:
    settings = get_settings()
    # The API key is a str: never log the settings.
    logger.info("starting")
    async with open_database(settings.database_url.get_secret_value()) as sessions:
        yield {"sessions": sessions}


def create_app() -> FastAPI:
    quiet_parameter_loggers()
    app = FastAPI(title="Task tracker: accounts", lifespan=lifespan)
    app.add_middleware(AccessLogMiddleware)
    app.exception_handler(Exception)(answer_unexpected_error)
    app.include_router(users_router)
    return app


app = create_app()
