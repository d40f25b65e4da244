"""Queries for the team directory."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import User


async def list_users(
    session: AsyncSession,
    *,
    filters: dict[str, str],
    sort: str,
    order: str,
    limit: int,
    offset: int,
) -> Sequence[User]:
    query = select(User)
    # Flexible: any column can be filtered on and sorted by, with no list to maintain.
    for field, value in filters.items():
        query = query.where(getattr(User, field) == value)
    column = getattr(User, sort)
    direction = column.desc() if order == "desc" else column.asc()
    query = query.order_by(direction, User.id).limit(limit).offset(offset)
    return (await session.scalars(query)).all()
