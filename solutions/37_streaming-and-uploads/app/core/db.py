"""The database: a typed declarative base, the engine's lifecycle and a session per request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


@asynccontextmanager
async def open_database(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """One engine for the app's whole life, disposed (every connection closed) at shutdown."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            # Lesson 18 replaces this with Alembic migrations.
            await connection.run_sync(Base.metadata.create_all)
        # expire_on_commit=False: objects stay readable after commit without a lazy reload,
        # which async code cannot do implicitly.
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session of this request's own, closed (its connection back in the pool) afterwards."""
    sessions: async_sessionmaker[AsyncSession] = request.state.sessions
    async with sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def get_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """The session factory, for work that outlives the request's own session (a stream)."""
    sessions: async_sessionmaker[AsyncSession] = request.state.sessions
    return sessions


SessionsDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessions)]
