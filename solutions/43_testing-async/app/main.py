"""The service's entry point. Its code is correct: this lesson is about its tests."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.config import Settings
from app.db import Base
from app.tasks.router import router as tasks_router

# FastAPI answers 400 itself to a body it cannot parse (not UTF-8): part of every contract.
UNPARSABLE_BODY: dict[int | str, dict[str, object]] = {
    400: {"description": "The request body could not be parsed"}
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = create_async_engine(Settings().database_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        yield
    finally:
        await engine.dispose()


app = FastAPI(title="Task tracker", lifespan=lifespan, responses=UNPARSABLE_BODY)
app.include_router(tasks_router)
