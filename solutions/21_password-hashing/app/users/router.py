"""HTTP routes: sign up, log in."""

from fastapi import APIRouter, HTTPException, status

from app.core.db import SessionDep
from app.users import service
from app.users.dependencies import PasswordsDep
from app.users.schemas import Credentials, UserCreate, UserRead

router = APIRouter(tags=["users"])


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
    "/auth/login",
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Wrong username or password"}},
)
async def log_in(payload: Credentials, session: SessionDep, passwords: PasswordsDep) -> UserRead:
    password = payload.password.get_secret_value()
    try:
        user = await service.authenticate(session, passwords, payload.username, password)
    except service.InvalidCredentialsError:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="wrong username or password"
        ) from None
    return UserRead.model_validate(user)
