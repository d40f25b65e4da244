"""HTTP routes for sign-up, login, the current user and their erasure."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response, status
from fastapi.security import HTTPAuthorizationCredentials

from app.core.db import SessionDep
from app.users import service
from app.users.dependencies import CurrentUser, bearer
from app.users.schemas import LoginRequest, TokenRead, UserCreate, UserRead

router = APIRouter(tags=["users"], responses={400: {"description": "The body could not be read"}})

UNAUTHORIZED: dict[int | str, dict[str, str]] = {401: {"description": "No valid bearer token"}}


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "The e-mail is taken"}},
)
async def sign_up(payload: UserCreate, session: SessionDep) -> UserRead:
    try:
        user = await service.sign_up(session, payload)
    except service.EmailTakenError:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="the e-mail is taken") from None
    return UserRead.model_validate(user)


@router.post("/auth/login", responses={401: {"description": "Wrong credentials"}})
async def log_in(payload: LoginRequest, session: SessionDep) -> TokenRead:
    try:
        token = await service.log_in(session, payload.email, payload.password)
    except service.InvalidCredentialsError:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="unknown e-mail or wrong password",
            headers={"WWW-Authenticate": "Bearer"},
        ) from None
    return TokenRead(access_token=token)


@router.get("/users/me", responses=UNAUTHORIZED)
async def read_me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


@router.delete(
    "/users/me", status_code=status.HTTP_204_NO_CONTENT, responses=UNAUTHORIZED
)
async def erase_me(
    user: CurrentUser,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
) -> Response:
    await service.erase(session, user, credentials.credentials)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/users/me/export", responses={**UNAUTHORIZED, 500: {"description": "The export failed"}}
)
async def export_me(user: CurrentUser) -> Response:
    await service.export(user)
    return Response(status_code=status.HTTP_202_ACCEPTED)
