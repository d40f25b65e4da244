from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.auth.router import router as auth_router
from app.core.config import get_settings
from app.core.db import open_database


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = get_settings()
    hasher = PasswordHash(
        (
            Argon2Hasher(
                time_cost=settings.argon2_time_cost,
                memory_cost=settings.argon2_memory_cost,
                parallelism=settings.argon2_parallelism,
            ),
        )
    )
    async with open_database(settings.database_url) as sessions:
        yield {"sessions": sessions, "hasher": hasher}


app = FastAPI(title="Task tracker: auth", lifespan=lifespan)
app.include_router(auth_router)
