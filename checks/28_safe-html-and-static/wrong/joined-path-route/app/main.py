"""The service's entry point: JSON and HTML routes, static files, the page policy."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, status
from fastapi.responses import FileResponse

from app.core.html import ContentSecurityPolicyMiddleware
from app.core.static import STATIC_CACHE_CONTROL
from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore

STATIC_DIR = Path(__file__).parent / "static"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    yield {"task_store": TaskStore()}


async def static_file(path: str) -> FileResponse:
    file = STATIC_DIR / path
    if not file.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such file")
    return FileResponse(file, headers={"Cache-Control": STATIC_CACHE_CONTROL})


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: board", lifespan=lifespan)
    app.add_middleware(ContentSecurityPolicyMiddleware)
    app.include_router(tasks_router)
    app.get("/static/{path:path}", name="static", include_in_schema=False)(static_file)
    return app


app = create_app()
