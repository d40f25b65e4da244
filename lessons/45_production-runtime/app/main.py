"""The service's entry point: routes, a liveness probe, the lifespan."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel

from app.core.config import Settings
from app.reports.router import router as reports_router
from app.tasks.router import TaskRead
from app.tasks.router import router as tasks_router


logging.basicConfig(filename="app.log", level=logging.INFO)


class Liveness(BaseModel):
    status: str


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = Settings()
    tasks: dict[int, TaskRead] = {}
    yield {"tasks": tasks, "report_seconds": settings.report_seconds}


app = FastAPI(title="Task tracker", lifespan=lifespan)
app.include_router(tasks_router)
app.include_router(reports_router)


@app.get("/health/live", tags=["health"])
def liveness() -> Liveness:
    """The process is up and serving: what the container's HEALTHCHECK asks."""
    return Liveness(status="ok")
