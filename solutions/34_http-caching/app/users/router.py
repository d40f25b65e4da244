"""The signed-in user's own profile: personal data that no shared cache may keep."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

router = APIRouter(tags=["users"])


class UserRead(BaseModel):
    name: str
    email: str


# Demo accounts: lesson 21 replaces these tokens with real authentication.
ACCOUNTS: Mapping[str, UserRead] = MappingProxyType(
    {
        "alice-token": UserRead(name="alice", email="alice@example.com"),
        "bob-token": UserRead(name="bob", email="bob@example.com"),
    }
)

# Personal data: never stored by any cache, shared or the browser's own.
PRIVATE_CACHE_CONTROL = "private, no-store"

bearer = HTTPBearer(auto_error=False)


def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> UserRead:
    user = ACCOUNTS.get(credentials.credentials) if credentials is not None else None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer", "Cache-Control": PRIVATE_CACHE_CONTROL},
        )
    return user


@router.get("/me", responses={401: {"description": "No valid bearer token"}})
async def read_me(
    user: Annotated[UserRead, Depends(current_user)], response: Response
) -> UserRead:
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return user
