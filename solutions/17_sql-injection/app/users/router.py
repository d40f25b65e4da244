"""HTTP routes for people and their API keys."""

from fastapi import APIRouter, HTTPException, status

from app.core.db import SessionDep
from app.users import service
from app.users.schemas import (
    ApiKeyCreated,
    ErrorMessage,
    SearchTerm,
    UserCreate,
    UserId,
    UserRead,
)

router = APIRouter(prefix="/users", tags=["users"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "Body is not JSON"}},
)
async def create_user(payload: UserCreate, session: SessionDep) -> UserRead:
    return UserRead.model_validate(await service.add_user(session, payload))


@router.post(
    "/{user_id}/api-keys",
    status_code=status.HTTP_201_CREATED,
    responses={404: {"model": ErrorMessage, "description": "No such user"}},
)
async def create_api_key(user_id: UserId, session: SessionDep) -> ApiKeyCreated:
    created = await service.add_api_key(session, user_id)
    if created is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"user {user_id} not found")
    return created


@router.get("/search")
async def search_users(q: SearchTerm, session: SessionDep) -> list[UserRead]:
    """Users whose name contains `q`, in any case, by name (at most 100)."""
    users = await service.search_users(session, q)
    return [UserRead.model_validate(user) for user in users]
