"""Access tokens (lesson 22): PyJWT, HS256 with the settings' key, an allow-list of one."""

from datetime import UTC, datetime, timedelta

import jwt

from app.core.config import Settings

ALGORITHM = "HS256"


class InvalidTokenError(Exception):
    """Malformed, forged or expired."""


class Tokens:
    def __init__(self, settings: Settings) -> None:
        self._key = settings.jwt_secret_key.get_secret_value()
        self._lifetime = timedelta(minutes=settings.access_token_minutes)

    def encode(self, user_id: int, role: str) -> str:
        now = datetime.now(UTC)
        payload = {"sub": str(user_id), "role": role, "iat": now, "exp": now + self._lifetime}
        return jwt.encode(payload, self._key, algorithm=ALGORITHM)

    def role(self, token: str) -> str:
        """The role the token was issued with (it saves a database query)."""
        return str(jwt.decode(token, self._key, algorithms=[ALGORITHM]).get("role", ""))

    def decode(self, token: str) -> int:
        """The user id the token was issued to; verified signature, algorithm and expiry."""
        try:
            payload = jwt.decode(
                token, self._key, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]}
            )
        except jwt.PyJWTError as error:
            raise InvalidTokenError(str(error)) from None
        subject = str(payload["sub"])
        if not subject.isdigit():
            raise InvalidTokenError("sub is not a user id")
        return int(subject)
