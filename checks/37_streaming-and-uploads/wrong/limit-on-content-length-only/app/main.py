"""The service's entry point: body limits, problem details, the database, the upload folder."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.attachments.router import router as attachments_router
from app.core.config import get_settings
from app.core.db import open_database
from app.core.problems import ProblemResponse, register_problem_handlers
from app.tasks.router import router as tasks_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, async_sessionmaker[AsyncSession]]]:
    settings = get_settings()
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    async with open_database(settings.database_url) as sessions:
        yield {"sessions": sessions}


async def limit_body_size(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Refuse a body whose Content-Length is over the route's limit, before reading it."""
    settings = get_settings()
    limit = (settings.max_upload_bytes if request.url.path.endswith("/attachments")
             else settings.max_json_body_bytes)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return ProblemResponse(
            {"type": "about:blank", "title": "Content Too Large", "status": 413,
             "detail": f"the body is over {limit} bytes", "instance": request.url.path},
            status_code=413,
        )
    return await call_next(request)


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: exports and attachments", lifespan=lifespan)
    app.middleware("http")(limit_body_size)
    register_problem_handlers(app)
    app.include_router(tasks_router)
    app.include_router(attachments_router)
    return app


app = create_app()
