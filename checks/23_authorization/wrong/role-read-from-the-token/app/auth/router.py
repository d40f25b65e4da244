"""HTTP routes: sign up and the OAuth2 password flow."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service
from app.auth.dependencies import PasswordsDep, TokensDep, unauthorized
from app.auth.schemas import Token, UserCreate, UserRead
from app.core.db import SessionDep

router = APIRouter(tags=["auth"])


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


@router.post(
    "/auth/token",
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Wrong username or password"}},
)
async def log_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    passwords: PasswordsDep,
    tokens: TokensDep,
) -> Token:
    try:
        user = await service.authenticate(session, passwords, form.username, form.password)
    except service.InvalidCredentialsError:
        raise unauthorized("wrong username or password") from None
    return Token(access_token=tokens.encode(user.id, user.role))
