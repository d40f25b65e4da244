"""The service's entry point: the lifespan owns the store."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.projects.router import router as projects_router
from app.projects.store import ProjectStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, ProjectStore]]:
    yield {"projects": ProjectStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: project statistics", lifespan=lifespan)
    app.include_router(projects_router)
    return app


app = create_app()
