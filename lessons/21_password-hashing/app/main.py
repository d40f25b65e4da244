from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.config import get_settings
from app.core.db import open_database
from app.users.router import router as users_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    async with open_database(get_settings().database_url) as sessions:
        yield {"sessions": sessions}


app = FastAPI(title="Task tracker: users", lifespan=lifespan)
app.include_router(users_router)
