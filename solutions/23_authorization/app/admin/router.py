"""Administration routes: the role check is a dependency of the whole router."""

from fastapi import APIRouter, Depends, HTTPException, Response, status

from app.admin import service
from app.auth.dependencies import require_role
from app.auth.models import Role
from app.auth.schemas import UserRead
from app.core.db import SessionDep

# Declared once, on the router: a route added here later cannot forget it.
router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(require_role(Role.ADMIN))],
    responses={
        status.HTTP_401_UNAUTHORIZED: {"description": "Not authenticated"},
        status.HTTP_403_FORBIDDEN: {"description": "The caller is not an administrator"},
    },
)


@router.get("/users")
async def list_users(session: SessionDep) -> list[UserRead]:
    return [UserRead.model_validate(user) for user in await service.list_users(session)]


@router.delete(
    "/users/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={status.HTTP_404_NOT_FOUND: {"description": "No such user"}},
)
async def delete_user(user_id: int, session: SessionDep) -> Response:
    try:
        await service.delete_user(session, user_id)
    except service.UserNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"user {user_id} not found") from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)
