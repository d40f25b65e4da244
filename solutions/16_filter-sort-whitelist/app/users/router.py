"""HTTP routes for the team directory."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.users import service
from app.users.schemas import UserQuery, UserRead

router = APIRouter(prefix="/users", tags=["users"])


@router.get("")
async def list_users(query: Annotated[UserQuery, Query()], session: SessionDep) -> list[UserRead]:
    """Team members, filtered by role and activity, sorted by name, e-mail or join date."""
    users = await service.list_users(session, query)
    return [UserRead.model_validate(user) for user in users]
