"""What only administrators may do."""

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.tasks.models import Comment, Task


class UserNotFoundError(Exception):
    """No user has this id."""


async def list_users(session: AsyncSession) -> Sequence[User]:
    return (await session.scalars(select(User).order_by(User.id))).all()


async def delete_user(session: AsyncSession, user_id: int) -> None:
    """Delete a user with everything they own, in one transaction."""
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFoundError(user_id)
    owned_tasks = select(Task.id).where(Task.owner_id == user_id)
    await session.execute(delete(Comment).where(Comment.task_id.in_(owned_tasks)))
    await session.execute(delete(Task).where(Task.owner_id == user_id))
    await session.delete(user)
    await session.commit()
