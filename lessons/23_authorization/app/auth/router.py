from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.auth.tokens import InvalidTokenError
from app.core.db import SessionDep

router = APIRouter(tags=["auth"])
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64)
    password: SecretStr = Field(min_length=8, max_length=128)
    role: str = "member"


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: str


def unauthorized() -> HTTPException:
    return HTTPException(401, detail="not authenticated", headers={"WWW-Authenticate": "Bearer"})


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def sign_up(payload: UserCreate, request: Request, session: SessionDep) -> UserRead:
    password_hash = await request.state.passwords.hash(payload.password.get_secret_value())
    user = User(username=payload.username, password_hash=password_hash, role=payload.role)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="username taken") from None
    return UserRead.model_validate(user)


@router.post("/auth/token")
async def log_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, session: SessionDep
) -> dict[str, str]:
    user = await session.scalar(select(User).where(User.username == form.username))
    stored_hash = user.password_hash if user else None
    if user is None or not await request.state.passwords.verify(form.password, stored_hash):
        raise unauthorized()
    return {"access_token": request.state.tokens.encode(user.id), "token_type": "bearer"}


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], request: Request, session: SessionDep
) -> User:
    try:
        user = await session.get(User, request.state.tokens.decode(token))
    except InvalidTokenError:
        raise unauthorized() from None
    if user is None:
        raise unauthorized()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
