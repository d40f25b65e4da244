"""The service's entry point."""

from fastapi import FastAPI

from app.tasks.router import router


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: assignees")
    app.include_router(router)
    return app


app = create_app()
