"""The service's entry point: the lifespan owns the store, the routers own the HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.projects.router import router as projects_router
from app.projects.store import ProjectStore
from app.users.router import router as users_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, ProjectStore]]:
    yield {"projects": ProjectStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: projects", lifespan=lifespan)
    app.include_router(projects_router)
    app.include_router(users_router)
    return app


app = create_app()
