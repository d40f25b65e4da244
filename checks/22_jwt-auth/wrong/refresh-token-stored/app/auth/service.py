"""Log in, issue token pairs, rotate refresh tokens (detecting reuse)."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import RefreshToken, User
from app.auth.passwords import Passwords
from app.auth.schemas import TokenPair
from app.auth.tokens import Claims, InvalidTokenError, Tokens


class UsernameTakenError(Exception):
    """Another user already has this username."""


class InvalidCredentialsError(Exception):
    """Unknown username or wrong password."""


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
    return user


async def authenticate(
    session: AsyncSession, passwords: Passwords, username: str, password: str
) -> User:
    user = await session.scalar(select(User).where(User.username == username))
    stored_hash = user.password_hash if user is not None else None
    if user is None or not await passwords.verify(password, stored_hash):
        raise InvalidCredentialsError
    return user


async def issue_pair(
    session: AsyncSession, tokens: Tokens, user_id: int, family_id: str | None = None
) -> TokenPair:
    """A new access token and a new refresh token (recorded), committed."""
    refresh = tokens.issue(user_id, "refresh", family_id or str(uuid.uuid4()))
    session.add(
        RefreshToken(
            jti=refresh.jti,
            user_id=user_id,
            family_id=refresh.family_id,
            expires_at=refresh.expires_at,
            token=tokens.encode(refresh),
        )
    )
    await session.commit()
    return TokenPair(
        access_token=tokens.encode(tokens.issue(user_id, "access")),
        refresh_token=tokens.encode(refresh),
        expires_in=int(tokens.access_lifetime.total_seconds()),
    )


async def rotate(session: AsyncSession, tokens: Tokens, refresh_token: str) -> TokenPair:
    """Use a refresh token up and issue the next pair; a token used twice revokes its family."""
    claims = tokens.decode(refresh_token, "refresh")
    record = await session.get(RefreshToken, claims.jti)
    if record is None or record.user_id != claims.user_id or record.is_revoked:
        raise InvalidTokenError("unknown or revoked refresh token")
    if not await use_up(session, claims):
        # Already used: someone replays a stolen token, or the thief got there first.
        await revoke_family(session, record.family_id)
        raise InvalidTokenError("refresh token reused: its family is revoked")
    return await issue_pair(session, tokens, claims.user_id, record.family_id)


async def use_up(session: AsyncSession, claims: Claims) -> bool:
    """Mark the token used, atomically: of two concurrent rotations, one wins."""
    statement = (
        update(RefreshToken)
        .where(
            RefreshToken.jti == claims.jti,
            RefreshToken.used_at.is_(None),
            RefreshToken.is_revoked.is_(False),
        )
        .values(used_at=datetime.now(UTC))
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def revoke_family(session: AsyncSession, family_id: str) -> None:
    statement = (
        update(RefreshToken).where(RefreshToken.family_id == family_id).values(is_revoked=True)
    )
    await session.execute(statement)
    await session.commit()


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)
