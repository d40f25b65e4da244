"""The service's entry point: both API versions, one store, v1 announced as deprecated."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from app.api.deprecation import V1_DEPRECATED_AT, V1_SUNSET_AT, DeprecationHeaders
from app.api.v1.router import router as v1_router
from app.api.v2.router import router as v2_router
from app.tasks.service import TaskStore


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
    yield {"task_store": TaskStore()}


async def answer_problem(request: Request, error: HTTPException) -> JSONResponse:
    body = {"type": "about:blank", "title": str(error.detail), "status": error.status_code,
            "detail": str(error.detail), "instance": request.url.path}
    return JSONResponse(body, status_code=error.status_code, media_type="application/problem+json")


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker", version="2.0.0", lifespan=lifespan)
    app.add_exception_handler(HTTPException, answer_problem)  # type: ignore[arg-type]
    app.include_router(v1_router, prefix="/api/v1")
    app.include_router(v2_router, prefix="/api/v2")
    app.add_middleware(
        DeprecationHeaders,
        prefix="/api/v1",
        deprecated_at=V1_DEPRECATED_AT,
        sunset_at=V1_SUNSET_AT,
        successor="/api/v2/tasks",
    )
    return app


app = create_app()
