"""Sign-up, login and the current user."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlalchemy import select

from app.core.db import SessionDep, UserRow
from app.users.security import make_token, password_hash, read_token

router = APIRouter(tags=["users"])
bearer = OAuth2PasswordBearer(tokenUrl="/login")


class SignUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    password: str = Field(min_length=12, max_length=128)


class UserOut(BaseModel):
    id: int
    email: EmailStr


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


async def current_user(token: Annotated[str, Depends(bearer)], session: SessionDep) -> UserRow:
    user_id = read_token(token)
    user = await session.get(UserRow, user_id) if user_id is not None else None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "invalid token", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


CurrentUser = Annotated[UserRow, Depends(current_user)]


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def sign_up(payload: SignUp, session: SessionDep) -> UserOut:
    user = UserRow(email=payload.email, password_hash=password_hash.hash(payload.password))
    session.add(user)
    await session.commit()
    return UserOut(id=user.id, email=user.email)


@router.post("/login")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep
) -> Token:
    user = await session.scalar(select(UserRow).where(UserRow.email == form.username))
    if user is None or not password_hash.verify(form.password, user.password_hash):
        challenge = {"WWW-Authenticate": "Bearer"}
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong credentials", headers=challenge)
    return Token(access_token=make_token(user.id))


@router.get("/users/me")
async def me(user: CurrentUser) -> UserOut:
    return UserOut(id=user.id, email=user.email)
