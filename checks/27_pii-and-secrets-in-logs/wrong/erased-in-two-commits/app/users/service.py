"""Sign-up, login and erasure. Logs name users by id or by masked e-mail, never more."""

import hashlib
import logging
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import get_settings
from app.core.privacy import mask_email
from app.users.models import AccessToken, LoginAttempt, User
from app.users.schemas import UserCreate

logger = logging.getLogger(__name__)


class EmailTakenError(Exception):
    """Another account uses this e-mail address."""


class InvalidCredentialsError(Exception):
    """Unknown e-mail or wrong password; the client is not told which."""


class ExportUnavailableError(Exception):
    """The export storage did not accept the upload."""


def password_hasher() -> PasswordHash:
    settings = get_settings()
    hasher = Argon2Hasher(
        time_cost=settings.password_hash_time_cost,
        memory_cost=settings.password_hash_memory_kib,
    )
    return PasswordHash((hasher,))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def sign_up(session: AsyncSession, payload: UserCreate) -> User:
    user = User(
        email=payload.email,
        full_name=payload.full_name,
        password_hash=password_hasher().hash(payload.password),
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise EmailTakenError from None
    logger.info("user %d signed up", user.id)
    return user


async def log_in(session: AsyncSession, email: str, password: str) -> str:
    """A new access token for the user with these credentials."""
    user = await session.scalar(select(User).where(User.email == email))
    # Verify against a dummy hash when the user is unknown: the same time either way.
    hashes = password_hasher()
    is_valid = hashes.verify(password, user.password_hash) if user else hashes.verify(
        password, hashes.hash("not-a-password")
    )
    session.add(LoginAttempt(email=email, is_success=is_valid))
    if user is None or not is_valid:
        await session.commit()
        logger.warning("failed login for %s", mask_email(email))
        raise InvalidCredentialsError
    token = secrets.token_urlsafe(32)
    session.add(AccessToken(token_hash=token_digest(token), user_id=user.id))
    await session.commit()
    logger.info("user %d logged in", user.id)
    return token


async def user_for_token(session: AsyncSession, token: str) -> User | None:
    query = select(User).join(AccessToken).where(AccessToken.token_hash == token_digest(token))
    user: User | None = await session.scalar(query)
    return user


async def erase(session: AsyncSession, user: User) -> None:
    """Delete the user and every copy of their personal data: tokens and login attempts."""
    user_id = user.id
    await session.execute(delete(AccessToken).where(AccessToken.user_id == user_id))
    await session.commit()  # log the user out everywhere first
    await session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    await session.delete(user)
    await session.commit()
    logger.info("user %d erased", user_id)


async def export(user: User) -> None:
    """Upload the user's data export. The export storage is unreachable in this lesson."""
    raise ExportUnavailableError(f"export storage refused the upload for user {user.id}")
