"""The service's entry point: builds the app, its problem handlers and its routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.config import Settings
from app.core.errors import register_error_handlers
from app.core.problems import ProblemDetailsApp, ProblemResponse
from app.reports.repository import ReportRepository
from app.reports.router import router as reports_router
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = Settings()
    yield {
        "task_store": TaskStore(),
        "reports": ReportRepository(settings.warehouse_url.get_secret_value()),
    }


def create_app() -> FastAPI:
    app = ProblemDetailsApp(
        title="Task tracker: tasks", lifespan=lifespan, default_response_class=ProblemResponse
    )
    register_error_handlers(app)
    app.include_router(tasks_router)
    app.include_router(reports_router)
    return app


app = create_app()
