"""The database: a declarative base whose metadata names every constraint, and its engine."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry

# One template per kind of constraint (PostgreSQL's own style): every constraint and index gets
# the same predictable name on every database, so a migration can find it and drop it.
NAMING_CONVENTION = {
    "pk": "%(table_name)s_pkey",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "ix": "%(column_0_label)s_idx",
}


class Base(DeclarativeBase):
    metadata = MetaData()


def enforce_foreign_keys(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """SQLite checks foreign keys only on connections that ask it to."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@asynccontextmanager
async def open_database(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """One engine for the app's whole life, disposed at shutdown."""
    engine = create_async_engine(database_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", enforce_foreign_keys)
    try:
        async with engine.begin() as connection:
            # Lesson 18 replaces this with Alembic migrations.
            await connection.run_sync(Base.metadata.create_all)
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session of this request's own, closed (its connection back in the pool) afterwards."""
    sessions: async_sessionmaker[AsyncSession] = request.state.sessions
    async with sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
