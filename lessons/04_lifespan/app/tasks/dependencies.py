"""Per-request access to the resources the routes need."""

from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings, get_settings
from app.tasks.repository import TaskRepository


def get_directory(settings: Annotated[Settings, Depends(get_settings)]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=settings.directory_url, timeout=settings.directory_timeout_seconds
    )


def get_repository(request: Request) -> TaskRepository:
    engine: AsyncEngine = request.app.state.engine
    return TaskRepository(engine)


Directory = Annotated[httpx.AsyncClient, Depends(get_directory)]
Repository = Annotated[TaskRepository, Depends(get_repository)]
