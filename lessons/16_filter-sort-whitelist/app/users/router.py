"""HTTP routes for the team directory."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.core.db import SessionDep
from app.users import service
from app.users.schemas import UserRead

router = APIRouter(prefix="/users", tags=["users"])

PAGING = ("sort", "order", "limit", "offset")


@router.get("")
async def list_users(
    request: Request,
    session: SessionDep,
    sort: str = "name",
    order: str = "asc",
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[UserRead]:
    """Team members. Filter on any column (`?role=admin`), sort by any (`?sort=email`)."""
    filters = {
        name: value for name, value in request.query_params.items() if name not in PAGING
    }
    users = await service.list_users(
        session, filters=filters, sort=sort, order=order, limit=limit, offset=offset
    )
    return [UserRead.model_validate(user) for user in users]
