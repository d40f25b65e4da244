"""Sign-up and login: the rules, in the caller's session."""

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import User
from app.users.security import Passwords

logger = logging.getLogger(__name__)


class UsernameTakenError(Exception):
    """Another user already has this username."""


class InvalidCredentialsError(Exception):
    """Unknown username or wrong password: deliberately one error for both."""


async def register(
    session: AsyncSession, passwords: Passwords, username: str, password: str
) -> User:
    user = User(username=username, password_hash=await passwords.hash(password))
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise UsernameTakenError(username) from None
    logger.info("user %s registered", user.id)
    return user


async def authenticate(
    session: AsyncSession, passwords: Passwords, username: str, password: str
) -> User:
    user = await session.scalar(select(User).where(User.username == username))
    if user is None:
        await passwords.verify_nobody(password)
        raise InvalidCredentialsError
    verdict = await passwords.verify(password, user.password_hash)
    if not verdict.is_valid:
        logger.info("failed login for user %s", user.id)
        raise InvalidCredentialsError
    if verdict.is_valid:  # always refresh the hash, to be safe
        # Made with weaker parameters (or bcrypt): store the stronger hash now, while the
        # plain password is at hand. This is the only moment it ever is.
        user.password_hash = verdict.new_hash or await passwords.hash(password)
        await session.commit()
        logger.info("password hash of user %s upgraded", user.id)
    return user
