"""Queries for the team directory, built only from whitelisted, typed parameters."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.users.models import User
from app.users.schemas import SortField, SortOrder, UserQuery

# Each allowed sort field maps to its column here, in code: user input selects an entry,
# it never names an attribute.
SortColumn = InstrumentedAttribute[str] | InstrumentedAttribute[datetime]
SORT_COLUMNS: Mapping[SortField, SortColumn] = MappingProxyType(
    {
        SortField.NAME: User.name,
        SortField.EMAIL: User.email,
        SortField.CREATED_AT: User.created_at,
    }
)


def filtered(query: UserQuery) -> Select[User]:
    """Every filter given narrows the list: conditions combine with AND."""
    statement = select(User)
    if query.role is not None:
        statement = statement.where(User.role == query.role)
    if query.is_active is not None:
        statement = statement.where(User.is_active == query.is_active)
    return statement


def sorted_by(statement: Select[User], query: UserQuery) -> Select[User]:
    """The chosen column, then id as a tiebreaker, both in the chosen direction."""
    column = SORT_COLUMNS[query.sort]
    if query.order is SortOrder.DESC:
        return statement.order_by(column.desc(), User.id.desc())
    return statement.order_by(column.asc(), User.id.asc())


async def list_users(session: AsyncSession, query: UserQuery) -> Sequence[User]:
    statement = sorted_by(filtered(query), query).limit(query.limit).offset(query.offset)
    return (await session.scalars(statement)).all()
