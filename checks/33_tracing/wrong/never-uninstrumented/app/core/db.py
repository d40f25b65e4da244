"""The database: a typed declarative base, the engine's lifecycle and a session per request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.trace import TracerProvider
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


@asynccontextmanager
async def open_database(
    database_url: str, tracer_provider: TracerProvider | None
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """One engine for the app's life, traced: every statement is a span of the current trace.

    The instrumentor is process-wide state, so it is undone at shutdown: the next app in the
    process (a test, a reload) instruments its own engine.
    """
    engine = create_async_engine(database_url)
    instrumentor = SQLAlchemyInstrumentor()
    instrumentor.instrument(
        engine=engine.sync_engine, tracer_provider=tracer_provider, skip_dep_check=True
    )
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.state.sessions
    async with sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
