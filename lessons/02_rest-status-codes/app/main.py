"""The service's entry point: builds the FastAPI app and mounts the feature routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.projects.router import router as projects_router
from app.projects.service import ProjectStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, ProjectStore]]:
    # Each app gets its own store; nothing lives at module level.
    yield {"project_store": ProjectStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: projects", lifespan=lifespan)
    app.include_router(projects_router)
    return app


app = create_app()
