"""The service's entry point: the lifespan owns the database, the hasher and the signer."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.auth.passwords import Passwords
from app.auth.router import router as auth_router
from app.auth.tokens import Tokens
from app.core.config import get_settings
from app.core.db import open_database

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = get_settings()  # fails fast when APP_JWT_SECRET_KEY is missing
    async with open_database(settings.database_url) as sessions:
        yield {"sessions": sessions, "passwords": Passwords(settings), "tokens": Tokens(settings)}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: auth", lifespan=lifespan, responses=UNPARSABLE_BODY)
    app.include_router(auth_router)
    return app


app = create_app()
