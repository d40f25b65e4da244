"""The service's entry point: builds the app with its security headers, handlers and routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.core.config import Settings
from app.core.errors import register_error_handlers
from app.core.security_headers import SecureHeadersApp, security_headers
from app.reports.router import router as reports_router
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: SecureHeadersApp) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"task_store": TaskStore()}


def create_app() -> SecureHeadersApp:
    settings = Settings()
    app = SecureHeadersApp(
        title="Task tracker",
        lifespan=lifespan,
        max_body_size=settings.max_body_size,
        security_headers=security_headers(settings.hsts_max_age),
    )
    register_error_handlers(app)
    app.include_router(tasks_router)
    app.include_router(reports_router)
    return app


app = create_app()
