"""The service's entry point: `create_app()` builds a fresh app, with state of its own."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from app.core.database import Database
from app.health.router import router as health_router
from app.tasks.exceptions import TaskNotFoundError
from app.tasks.router import router as tasks_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Database]]:
    # Built when this app starts, so two apps in one process never share a database.
    yield {"database": Database()}


async def answer_not_found(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(error)})


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    app.include_router(tasks_router)
    app.include_router(health_router)
    app.add_exception_handler(TaskNotFoundError, answer_not_found)
    return app


app = create_app()
