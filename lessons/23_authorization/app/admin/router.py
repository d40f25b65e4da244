from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy import delete, select

from app.auth.models import User
from app.auth.router import CurrentUser, UserRead
from app.core.db import SessionDep
from app.tasks.models import Comment, Task

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users")
async def list_users(user: CurrentUser, session: SessionDep) -> list[UserRead]:
    return [UserRead.model_validate(u) for u in await session.scalars(select(User).order_by(User.id))]


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: int, user: CurrentUser, session: SessionDep) -> Response:
    target = await session.get(User, user_id)
    if target is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="user not found")
    owned = select(Task.id).where(Task.owner_id == user_id)
    await session.execute(delete(Comment).where(Comment.task_id.in_(owned)))
    await session.execute(delete(Task).where(Task.owner_id == user_id))
    await session.delete(target)
    await session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
