"""Per-request access to the app-wide resources that the lifespan put in its state."""

from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from app.tasks.repository import TaskRepository


def get_directory(request: Request) -> httpx.AsyncClient:
    directory: httpx.AsyncClient = request.state.directory
    return directory


def get_repository(request: Request) -> TaskRepository:
    engine: AsyncEngine = request.state.engine
    return TaskRepository(engine)


Directory = Annotated[httpx.AsyncClient, Depends(get_directory)]
Repository = Annotated[TaskRepository, Depends(get_repository)]
