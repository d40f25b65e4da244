"""Signing and verifying JWTs with PyJWT: one key, one algorithm, typed and short-lived."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

from app.core.config import Settings

TokenType = Literal["access", "refresh"]
REQUIRED_CLAIMS = ["sub", "type", "jti", "iat", "exp"]


class InvalidTokenError(Exception):
    """The token is malformed, forged, expired, of another type or algorithm."""


@dataclass(frozen=True)
class Claims:
    user_id: int
    token_type: TokenType
    jti: str
    expires_at: datetime
    family_id: str | None = None


class Tokens:
    """Issue and verify tokens with the key and the one algorithm the settings name."""

    def __init__(self, settings: Settings) -> None:
        self._key = settings.jwt_secret_key.get_secret_value()
        self._algorithm = settings.jwt_algorithm
        self.access_lifetime = timedelta(minutes=settings.access_token_minutes)
        self.refresh_lifetime = timedelta(days=settings.refresh_token_days)

    def issue(self, user_id: int, token_type: TokenType, family_id: str | None = None) -> Claims:
        lifetime = self.access_lifetime if token_type == "access" else self.refresh_lifetime
        return Claims(
            user_id=user_id,
            token_type=token_type,
            jti=str(uuid.uuid4()),
            expires_at=datetime.now(UTC) + lifetime,
            family_id=family_id,
        )

    def encode(self, claims: Claims) -> str:
        payload: dict[str, str | int] = {
            "sub": str(claims.user_id),
            "type": claims.token_type,
            "jti": claims.jti,
            "iat": int(datetime.now(UTC).timestamp()),
            "exp": int(claims.expires_at.timestamp()),
        }
        if claims.family_id is not None:
            payload["fam"] = claims.family_id
        return jwt.encode(payload, self._key, algorithm=self._algorithm)

    def decode(self, token: str, expected_type: TokenType) -> Claims:
        """Verify signature, algorithm (an allow-list of one), expiry and type; or raise."""
        try:
            payload = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],  # never the algorithm the token's header names
            )
        except jwt.PyJWTError as error:
            raise InvalidTokenError(str(error)) from None
        if payload.get("type", expected_type) != expected_type or not str(payload["sub"]).isdigit():
            raise InvalidTokenError(f"not an {expected_type} token")
        family = payload.get("fam")
        return Claims(
            user_id=int(payload["sub"]),
            token_type=expected_type,
            jti=str(payload.get("jti", "")),
            expires_at=datetime.fromtimestamp(int(payload.get("exp", 0)), UTC),
            family_id=str(family) if family is not None else None,
        )
