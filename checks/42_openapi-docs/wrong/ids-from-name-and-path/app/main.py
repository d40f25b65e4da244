"""The service's entry point: builds the app, its problem handlers and its routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.core.config import Settings
from app.core.errors import register_error_handlers
from app.core.problems import ProblemDetailsApp
from app.projects.router import router as projects_router
from app.projects.service import ProjectStore
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    yield {"task_store": TaskStore(), "project_store": ProjectStore()}


def operation_id(route: APIRoute) -> str:
    # Unique by construction: the function's name and where it is mounted.
    return f"{route.name}:{route.path_format}"


def create_app(settings: Settings) -> FastAPI:
    # In production nobody browses the API: no docs pages, no schema to mine for routes.
    is_documented = not settings.is_production
    app = ProblemDetailsApp(
        title="Task tracker",
        version="1.0.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        openapi_url="/openapi.json" if is_documented else None,
        docs_url="/docs" if is_documented else None,
        redoc_url="/redoc" if is_documented else None,
    )
    register_error_handlers(app)
    app.include_router(tasks_router)
    app.include_router(projects_router)
    return app


app = create_app(Settings())
