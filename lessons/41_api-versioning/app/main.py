"""The service's entry point."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.tasks.router import router as tasks_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    yield {"task_store": TaskStore()}


app = FastAPI(title="Task tracker", version="2.0.0", lifespan=lifespan)
app.include_router(tasks_router)
