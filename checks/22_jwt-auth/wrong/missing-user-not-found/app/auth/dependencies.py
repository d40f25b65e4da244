"""Who is calling: the bearer token, verified, and its user."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from app.auth import service
from app.auth.models import User
from app.auth.passwords import Passwords
from app.auth.tokens import InvalidTokenError, Tokens
from app.core.db import SessionDep

# Answers a missing or non-Bearer Authorization header with 401 and `WWW-Authenticate: Bearer`.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")


def unauthorized(detail: str = "invalid or expired token") -> HTTPException:
    """A 401 that tells the client how to authenticate (RFC 6750), on every refusal."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def get_tokens(request: Request) -> Tokens:
    tokens: Tokens = request.state.tokens
    return tokens


def get_passwords(request: Request) -> Passwords:
    passwords: Passwords = request.state.passwords
    return passwords


TokensDep = Annotated[Tokens, Depends(get_tokens)]
PasswordsDep = Annotated[Passwords, Depends(get_passwords)]


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], tokens: TokensDep, session: SessionDep
) -> User:
    try:
        claims = tokens.decode(token, "access")
    except InvalidTokenError:
        raise unauthorized() from None
    user = await service.get_user(session, claims.user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="user not found")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
