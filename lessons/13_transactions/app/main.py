"""The service's entry point."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.budgets.exceptions import BudgetRefused, ProjectNotFound
from app.budgets.router import router as budgets_router
from app.core.config import get_settings
from app.core.db import open_database


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, async_sessionmaker[AsyncSession]]]:
    async with open_database(get_settings().database_url) as sessions:
        yield {"sessions": sessions}


async def problem(request: Request, error: Exception) -> JSONResponse:
    """Domain errors as RFC 9457 problems: 404 for a missing project, 409 for a refused move."""
    missing = isinstance(error, ProjectNotFound)
    code = status.HTTP_404_NOT_FOUND if missing else status.HTTP_409_CONFLICT
    body = {"title": "Not found" if missing else "Conflict", "status": code, "detail": str(error)}
    return JSONResponse(body, code, media_type="application/problem+json")


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: budgets", lifespan=lifespan)
    app.include_router(budgets_router)
    app.add_exception_handler(ProjectNotFound, problem)
    app.add_exception_handler(BudgetRefused, problem)
    return app


app = create_app()
