"""The service's entry point: CORS from the settings, the task store from the lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.config import get_settings
from app.core.cors import add_cors
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"tasks": TaskStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan, responses=UNPARSABLE_BODY)
    # Middleware is fixed when the app is built, so the settings are read here: a wildcard
    # origin stops the service before it serves anything.
    add_cors(app, get_settings())
    app.include_router(tasks_router)
    return app


app = create_app()
