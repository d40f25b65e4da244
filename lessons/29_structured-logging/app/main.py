"""The service's entry point: the app, a request logger and the routes."""

import logging
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from app.core.config import get_settings
from app.tasks.router import router as tasks_router
from app.tasks.store import TaskStore

logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("app")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, TaskStore]]:
    print(f"starting {get_settings().service_name}")
    yield {"task_store": TaskStore()}
    print("bye")


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks", lifespan=lifespan)

    @app.middleware("http")
    async def log_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:
            traceback.print_exc()
            raise
        elapsed = (time.perf_counter() - started) * 1000
        print(f"{request.method} {request.url.path} -> {response.status_code} in {elapsed:.2f}ms")
        return response

    app.include_router(tasks_router)
    logger.info("app created")
    return app


app = create_app()
