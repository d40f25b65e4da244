"""The service's entry point: the lifespan owns the store, the routers own the HTTP."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.projects.router import router as projects_router
from app.projects.store import ProjectStore
from app.users.router import router as users_router

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, ProjectStore]]:
    yield {"projects": ProjectStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: projects", lifespan=lifespan, responses=UNPARSABLE_BODY)
    app.include_router(projects_router)
    app.include_router(users_router)
    return app


app = create_app()
