import logging

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.db import SessionDep
from app.users.models import User
from app.users.schemas import Credentials, UserCreate, UserRead

logger = logging.getLogger(__name__)
router = APIRouter(tags=["users"])


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def sign_up(payload: UserCreate, session: SessionDep) -> UserRead:
    user = User(username=payload.username, password=payload.password)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail="username taken") from None
    logger.info("registered %s with password %s", user.username, user.password)
    return UserRead.model_validate(user)


@router.post("/auth/login")
async def log_in(payload: Credentials, session: SessionDep) -> UserRead:
    logger.info("login attempt: %s", payload.model_dump())
    user = await session.scalar(select(User).where(User.username == payload.username))
    if user is None or user.password != payload.password:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong username or password")
    return UserRead.model_validate(user)
