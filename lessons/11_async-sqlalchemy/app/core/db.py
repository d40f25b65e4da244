"""The database."""

from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import declarative_base

from app.core.config import get_settings

Base = declarative_base()

engine = create_async_engine(get_settings().database_url)

# One session for the whole service: every request uses it.
session = AsyncSession(engine)


async def get_session() -> AsyncSession:
    return session
