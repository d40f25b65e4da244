"""The service's entry point.

TODO(lesson 04): the engine is opened and closed by event handlers, and a directory client is
built for every request (see app/tasks/dependencies.py).
"""

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.config import get_settings
from app.tasks.repository import create_schema
from app.tasks.router import router as tasks_router


def create_app() -> FastAPI:
    app = FastAPI(title="Task tracker: tasks")
    app.include_router(tasks_router)

    @app.on_event("startup")
    async def open_database() -> None:
        app.state.engine = create_async_engine(get_settings().database_url)
        await create_schema(app.state.engine)

    @app.on_event("shutdown")
    async def close_database() -> None:
        await app.state.engine.dispose()

    return app


app = create_app()
