"""The service's entry point: `create_app()` builds the app and mounts the feature routers."""

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from app.health.router import router as health_router
from app.tasks.exceptions import TaskNotFoundError
from app.tasks.router import router as tasks_router


async def answer_not_found(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(error)})


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks")
    app.include_router(tasks_router)
    app.include_router(health_router)
    app.add_exception_handler(TaskNotFoundError, answer_not_found)
    return app


app = create_app()
