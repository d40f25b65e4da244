"""The service's entry point: body limits, problem details, the database, the upload folder."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.attachments.router import router as attachments_router
from app.core.config import get_settings
from app.core.db import open_database
from app.core.problems import register_problem_handlers
from app.tasks.router import router as tasks_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, async_sessionmaker[AsyncSession]]]:
    settings = get_settings()
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    async with open_database(settings.database_url) as sessions:
        yield {"sessions": sessions}


def create_app() -> FastAPI:
    settings = get_settings()
    # One limit, large enough for uploads, for every route.
    app = FastAPI(
        title="Task tracker: exports and attachments",
        lifespan=lifespan,
        max_body_size=settings.max_upload_bytes,
    )
    register_problem_handlers(app)
    app.include_router(tasks_router)
    app.include_router(attachments_router)
    return app


app = create_app()
