"""The service's entry point: the app, its metrics and its routes."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.core.metrics import HttpMetrics, MetricsMiddleware, metrics_endpoint
from app.tasks.router import router as tasks_router
from app.tasks.store import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"task_store": TaskStore()}


def create_app() -> FastAPI:
    """A new app with a registry of its own: call it twice, get two independent apps."""
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)
    metrics = HttpMetrics()
    app.state.metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    # A FastAPI route (not Starlette's add_route), so that it too is labelled by its template.
    app.add_api_route("/metrics", metrics_endpoint, include_in_schema=False)
    app.include_router(tasks_router)
    return app


app = create_app()
