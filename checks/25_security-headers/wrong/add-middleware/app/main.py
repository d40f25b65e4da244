"""The service's entry point: builds the app with its security headers, handlers and routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.config import Settings
from app.core.errors import register_error_handlers
from app.core.security_headers import (
    CONTENT_SECURITY_POLICY,
    SecurityHeadersMiddleware,
    security_headers,
)
from app.reports.router import router as reports_router
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"task_store": TaskStore()}


def create_app() -> FastAPI:
    settings = Settings()
    app = FastAPI(title="Task tracker", lifespan=lifespan, max_body_size=settings.max_body_size)
    app.add_middleware(
        SecurityHeadersMiddleware,
        headers=security_headers(settings.hsts_max_age),
        html_policy=CONTENT_SECURITY_POLICY,
    )
    register_error_handlers(app)
    app.include_router(tasks_router)
    app.include_router(reports_router)
    return app


app = create_app()
