"""Per-request access to the app-wide resources that the lifespan put in its state."""

from functools import lru_cache
from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import get_settings
from app.tasks.repository import TaskRepository


@lru_cache
def get_directory() -> httpx.AsyncClient:
    # The mistake: one client per process, made on first use and never closed.
    settings = get_settings()
    return httpx.AsyncClient(
        base_url=settings.directory_url, timeout=settings.directory_timeout_seconds
    )


def get_repository(request: Request) -> TaskRepository:
    engine: AsyncEngine = request.state.engine
    return TaskRepository(engine)


Directory = Annotated[httpx.AsyncClient, Depends(get_directory)]
Repository = Annotated[TaskRepository, Depends(get_repository)]
