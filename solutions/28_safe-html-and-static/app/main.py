"""The service's entry point: JSON and HTML routes, static files, the page policy."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from app.core.html import ContentSecurityPolicyMiddleware
from app.core.static import CachedStaticFiles
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore

STATIC_DIR = Path(__file__).parent / "static"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"task_store": TaskStore()}


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: board", lifespan=lifespan)
    app.add_middleware(ContentSecurityPolicyMiddleware)
    app.include_router(tasks_router)
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")
    return app


app = create_app()
