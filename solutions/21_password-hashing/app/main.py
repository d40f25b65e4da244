"""The service's entry point: the lifespan owns the database and the password hasher."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.config import get_settings
from app.core.db import open_database
from app.core.errors import register_error_handlers
from app.users.router import router as users_router
from app.users.security import Passwords

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = get_settings()
    async with open_database(settings.database_url) as sessions:
        yield {"sessions": sessions, "passwords": Passwords(settings)}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: users", lifespan=lifespan, responses=UNPARSABLE_BODY)
    register_error_handlers(app)
    app.include_router(users_router)
    return app


app = create_app()
