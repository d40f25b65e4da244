"""HTTP routes: sign up, the OAuth2 password flow, refresh, and the caller's profile."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service
from app.auth.dependencies import CurrentUser, PasswordsDep, TokensDep, unauthorized
from app.auth.schemas import RefreshRequest, TokenPair, UserCreate, UserRead
from app.auth.tokens import InvalidTokenError
from app.core.db import SessionDep

router = APIRouter(tags=["auth"])

UNAUTHORIZED: dict[int | str, dict[str, object]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "Missing, invalid or expired credentials"}
}


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    responses={status.HTTP_409_CONFLICT: {"description": "The username is taken"}},
)
async def sign_up(payload: UserCreate, session: SessionDep, passwords: PasswordsDep) -> UserRead:
    password = payload.password.get_secret_value()
    try:
        user = await service.register(session, passwords, payload.username, password)
    except service.UsernameTakenError:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="username taken") from None
    return UserRead.model_validate(user)


@router.post("/auth/token", responses=UNAUTHORIZED)
async def log_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    passwords: PasswordsDep,
    tokens: TokensDep,
) -> TokenPair:
    """The OAuth2 password flow: form fields `username` and `password`."""
    try:
        user = await service.authenticate(session, passwords, form.username, form.password)
    except service.InvalidCredentialsError:
        raise unauthorized("wrong username or password") from None
    return await service.issue_pair(session, tokens, user.id)


@router.post("/auth/refresh", responses=UNAUTHORIZED)
async def refresh(payload: RefreshRequest, session: SessionDep, tokens: TokensDep) -> TokenPair:
    """Trade a refresh token for a new pair; the one sent is used up."""
    try:
        return await service.rotate(session, tokens, payload.refresh_token)
    except InvalidTokenError:
        raise unauthorized("invalid, expired or reused refresh token") from None


@router.get("/users/me", responses=UNAUTHORIZED)
async def read_me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)
