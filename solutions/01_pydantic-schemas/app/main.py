"""The service's entry point: builds the FastAPI app and mounts the feature routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.users.router import router as users_router
from app.users.service import UserStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, UserStore]]:
    # Each app gets its own store; nothing lives at module level.
    yield {"user_store": UserStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: users", lifespan=lifespan)
    app.include_router(users_router)
    return app


app = create_app()
