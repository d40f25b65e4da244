"""People and their API keys."""

import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import ApiKey, User
from app.users.schemas import ApiKeyCreated, UserCreate, UserRead


async def add_user(session: AsyncSession, payload: UserCreate) -> User:
    user = User(name=payload.name)
    session.add(user)
    await session.commit()
    return user


async def add_api_key(session: AsyncSession, user_id: int) -> ApiKeyCreated | None:
    """A new key for the user, or None when there is no such user."""
    if await session.get(User, user_id) is None:
        return None
    token = secrets.token_urlsafe(32)
    key = ApiKey(user_id=user_id, token_hash=hashlib.sha256(token.encode()).hexdigest())
    session.add(key)
    await session.commit()
    return ApiKeyCreated(id=key.id, token=token)


async def search_users(session: AsyncSession, term: str) -> Sequence[UserRead]:
    """Users whose name contains `term`, ignoring case."""
    query = text(
        'SELECT id, name FROM "user" '
        f"WHERE lower(name) LIKE '%{term.lower()}%' ORDER BY name, id LIMIT 100"
    )
    rows = (await session.execute(query)).mappings().all()
    return [UserRead.model_validate(row) for row in rows]
