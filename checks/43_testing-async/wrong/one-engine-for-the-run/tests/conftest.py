"""Fixtures: a database of its own for every test, and a client that talks to the app in-process."""

from collections.abc import AsyncIterator
import tempfile
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from app.db import Base, get_session
from app.main import app


ENGINE = create_async_engine(
    f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'test.db'}", poolclass=NullPool
)


@pytest.fixture
async def sessions() -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """One engine, made at import: every test gets the same database."""
    async with ENGINE.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield async_sessionmaker(ENGINE, expire_on_commit=False)


@pytest.fixture
async def client(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    """httpx over ASGITransport, with the app's lifespan running and the session overridden."""

    async def session_for_test() -> AsyncIterator[AsyncSession]:
        async with sessions() as session:
            yield session

    # The lifespan's own engine points into tmp_path too, so nothing lands in the cwd.
    monkeypatch.setenv("APP_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'lifespan.db'}")
    app.dependency_overrides[get_session] = session_for_test
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield client
    finally:
        app.dependency_overrides.clear()
