from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import select

from app.admin.router import router as admin_router
from app.auth.models import User
from app.auth.passwords import Passwords
from app.auth.router import router as auth_router
from app.auth.tokens import Tokens
from app.core.config import get_settings
from app.core.db import open_database
from app.tasks.router import router as tasks_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = get_settings()
    passwords = Passwords(settings)
    async with open_database(settings.database_url) as sessions:
        if settings.admin_username and settings.admin_password:
            async with sessions() as session:
                query = select(User).where(User.username == settings.admin_username)
                if await session.scalar(query) is None:
                    password = await passwords.hash(settings.admin_password.get_secret_value())
                    session.add(User(username=settings.admin_username, password_hash=password,
                                     role="admin"))
                    await session.commit()
        yield {"sessions": sessions, "passwords": passwords, "tokens": Tokens(settings)}


app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
app.include_router(auth_router)
app.include_router(tasks_router)
app.include_router(admin_router)
