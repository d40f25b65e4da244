"""Who is calling, and what their role lets them do: permissions as dependencies."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from app.auth.models import Role, User
from app.auth.passwords import Passwords
from app.auth.tokens import InvalidTokenError, Tokens
from app.core.db import SessionDep

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")


def unauthorized(detail: str = "invalid or expired token") -> HTTPException:
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
        user_id = tokens.decode(token)
    except InvalidTokenError:
        raise unauthorized() from None
    user = await session.get(User, user_id)  # the role is read fresh, not from the token
    if user is None:
        raise unauthorized()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(role: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets only users with `role` through; the others get 403."""

    async def check_role(
        user: CurrentUser, tokens: TokensDep, token: Annotated[str, Depends(oauth2_scheme)]
    ) -> User:
        if tokens.role(token) != role:  # the role the login put in the token
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"requires the {role} role")
        return user

    return check_role

