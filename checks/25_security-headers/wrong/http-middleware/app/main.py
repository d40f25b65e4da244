"""The service's entry point: builds the app with its security headers, handlers and routers."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from app.core.config import Settings
from app.core.errors import register_error_handlers
from app.core.security_headers import CONTENT_SECURITY_POLICY, security_headers
from app.reports.router import router as reports_router
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"task_store": TaskStore()}


def create_app() -> FastAPI:
    settings = Settings()
    app = FastAPI(title="Task tracker", lifespan=lifespan, max_body_size=settings.max_body_size)
    headers = security_headers(settings.hsts_max_age)

    @app.middleware("http")
    async def add_security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(headers)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    register_error_handlers(app)
    app.include_router(tasks_router)
    app.include_router(reports_router)
    return app


app = create_app()
