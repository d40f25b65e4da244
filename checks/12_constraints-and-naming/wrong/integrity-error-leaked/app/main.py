"""The service's entry point."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import get_settings
from app.core.db import open_database
from app.tracker.exceptions import AlreadyExists
from app.tracker.router import router as tracker_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, async_sessionmaker[AsyncSession]]]:
    async with open_database(get_settings().database_url) as sessions:
        yield {"sessions": sessions}


async def conflict(request: Request, error: AlreadyExists) -> JSONResponse:
    """A 409 problem (RFC 9457) that says what clashed, and nothing of the SQL behind it."""
    return JSONResponse(
        status_code=status.HTTP_409_CONFLICT,
        media_type="application/problem+json",
        content={
            "type": "about:blank",
            "title": "Conflict",
            "status": status.HTTP_409_CONFLICT,
            "detail": str(error.__cause__),  # the mistake: the driver's message, SQL and all
            "instance": request.url.path,
        },
    )


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker", lifespan=lifespan)
    app.include_router(tracker_router)
    app.exception_handler(AlreadyExists)(conflict)
    return app


app = create_app()
