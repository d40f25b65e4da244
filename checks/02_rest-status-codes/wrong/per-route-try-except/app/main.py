"""The service's entry point: builds the FastAPI app and mounts the feature routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from app.projects.exceptions import ProjectNotFoundError
from app.projects.router import router as projects_router
from app.projects.service import ProjectStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, ProjectStore]]:
    # Each app gets its own store; nothing lives at module level.
    yield {"project_store": ProjectStore()}


async def answer_not_found(request: Request, error: Exception) -> JSONResponse:
    # A domain error becomes an HTTP answer here, at the edge, for every route at once.
    return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(error)})


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: projects", lifespan=lifespan)
    app.include_router(projects_router)
    return app


app = create_app()
