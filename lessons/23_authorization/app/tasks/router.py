from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from app.auth.router import CurrentUser
from app.core.db import SessionDep
from app.tasks.models import Comment, Task

router = APIRouter(prefix="/tasks", tags=["tasks"])


class TaskIn(BaseModel):
    title: str | None = None
    is_done: bool | None = None


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    owner_id: int
    title: str
    is_done: bool


class CommentIn(BaseModel):
    body: str


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_task(payload: TaskIn, user: CurrentUser, session: SessionDep) -> TaskRead:
    task = Task(owner_id=user.id, title=payload.title or "untitled")
    session.add(task)
    await session.commit()
    return TaskRead.model_validate(task)


@router.get("")
async def list_tasks(
    user: CurrentUser, session: SessionDep, owner_id: int | None = None
) -> list[TaskRead]:
    query = select(Task).where(Task.owner_id == (owner_id or user.id)).order_by(Task.id)
    return [TaskRead.model_validate(task) for task in await session.scalars(query)]


async def find_task(session: SessionDep, task_id: int) -> Task:
    task = await session.get(Task, task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="task not found")
    return task


@router.get("/{task_id}")
async def read_task(task_id: int, user: CurrentUser, session: SessionDep) -> TaskRead:
    return TaskRead.model_validate(await find_task(session, task_id))


@router.patch("/{task_id}")
async def update_task(
    task_id: int, payload: TaskIn, user: CurrentUser, session: SessionDep
) -> TaskRead:
    task = await find_task(session, task_id)
    for field, value in payload.model_dump(exclude_none=True).items():
        setattr(task, field, value)
    await session.commit()
    return TaskRead.model_validate(task)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_task(task_id: int, user: CurrentUser, session: SessionDep) -> Response:
    task = await find_task(session, task_id)
    for comment in await session.scalars(select(Comment).where(Comment.task_id == task_id)):
        await session.delete(comment)
    await session.delete(task)
    await session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{task_id}/comments", status_code=status.HTTP_201_CREATED)
async def add_comment(
    task_id: int, payload: CommentIn, user: CurrentUser, session: SessionDep
) -> dict[str, object]:
    comment = Comment(task_id=(await find_task(session, task_id)).id, body=payload.body)
    session.add(comment)
    await session.commit()
    return {"id": comment.id, "task_id": task_id, "body": comment.body}


@router.get("/{task_id}/comments")
async def list_comments(task_id: int, user: CurrentUser, session: SessionDep) -> list[dict[str, object]]:
    comments = await session.scalars(select(Comment).where(Comment.task_id == task_id))
    return [{"id": c.id, "task_id": c.task_id, "body": c.body} for c in comments]
