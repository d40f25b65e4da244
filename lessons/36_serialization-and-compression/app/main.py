"""The service's entry point: the routers and the demo data."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.tasks.router import router as tasks_router
from app.tasks.store import TaskStore, demo_store


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"tasks": demo_store()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    app.include_router(tasks_router)
    return app


app = create_app()
