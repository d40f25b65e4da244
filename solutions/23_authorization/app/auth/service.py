"""Sign-up, login and the first administrator."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import Role, User
from app.auth.passwords import Passwords


class UsernameTakenError(Exception):
    """Another user already has this username."""


class InvalidCredentialsError(Exception):
    """Unknown username or wrong password."""


async def register(
    session: AsyncSession,
    passwords: Passwords,
    username: str,
    password: str,
    role: Role = Role.MEMBER,
) -> User:
    user = User(username=username, password_hash=await passwords.hash(password), role=role)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise UsernameTakenError(username) from None
    return user


async def authenticate(
    session: AsyncSession, passwords: Passwords, username: str, password: str
) -> User:
    user = await session.scalar(select(User).where(User.username == username))
    stored_hash = user.password_hash if user is not None else None
    if user is None or not await passwords.verify(password, stored_hash):
        raise InvalidCredentialsError
    return user


async def ensure_admin(
    session: AsyncSession, passwords: Passwords, username: str, password: str
) -> None:
    """Create the configured administrator unless the username exists already."""
    if await session.scalar(select(User.id).where(User.username == username)) is not None:
        return
    await register(session, passwords, username, password, Role.ADMIN)
