"""The service's entry point: the lifespan owns the database and creates the first admin."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.admin.router import router as admin_router
from app.auth import service as auth_service
from app.auth.passwords import Passwords
from app.auth.router import router as auth_router
from app.auth.tokens import Tokens
from app.core.config import Settings, get_settings
from app.core.db import open_database
from app.tasks.router import router as tasks_router

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


async def create_first_admin(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], passwords: Passwords
) -> None:
    if settings.admin_username is None or settings.admin_password is None:
        return
    async with sessions() as session:
        password = settings.admin_password.get_secret_value()
        await auth_service.ensure_admin(session, passwords, settings.admin_username, password)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = get_settings()
    passwords = Passwords(settings)
    async with open_database(settings.database_url) as sessions:
        await create_first_admin(settings, sessions, passwords)
        yield {"sessions": sessions, "passwords": passwords, "tokens": Tokens(settings)}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan, responses=UNPARSABLE_BODY)
    app.include_router(auth_router)
    app.include_router(tasks_router)
    app.include_router(admin_router)
    return app


app = create_app()
