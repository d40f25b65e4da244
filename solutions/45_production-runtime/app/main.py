"""The service's entry point: routes, a liveness probe, the lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel

from app.core.config import Settings
from app.reports.router import router as reports_router
from app.tasks.router import TaskRead
from app.tasks.router import router as tasks_router

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


class Liveness(BaseModel):
    status: str


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    settings = Settings()
    tasks: dict[int, TaskRead] = {}
    yield {"tasks": tasks, "report_seconds": settings.report_seconds}


app = FastAPI(title="Task tracker", lifespan=lifespan, responses=UNPARSABLE_BODY)
app.include_router(tasks_router)
app.include_router(reports_router)


@app.get("/health/live", tags=["health"])
def liveness() -> Liveness:
    """The process is up and serving: what the container's HEALTHCHECK asks."""
    return Liveness(status="ok")
