"""HTTP routes for tasks."""

from fastapi import APIRouter, status

from app.core.db import SessionDep
from app.tasks import service
from app.tasks.schemas import TaskCreate, TaskPage, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_task(payload: TaskCreate, session: SessionDep) -> TaskRead:
    return TaskRead.model_validate(await service.add_task(session, payload))


@router.get("")
async def list_tasks(
    session: SessionDep, limit: int | None = None, offset: int = 0
) -> list[TaskRead]:
    """Tasks by due date, then id. Without a limit: all of them."""
    tasks = await service.list_tasks(session, limit=limit, offset=offset)
    return [TaskRead.model_validate(task) for task in tasks]


@router.get("/feed")
async def task_feed(
    session: SessionDep, cursor: str | None = None, limit: int | None = None
) -> TaskPage:
    """Tasks by due date, then id, a page at a time: send `next_cursor` back for the next."""
    offset = int(cursor) if cursor else 0  # the "cursor" is the number of rows already seen
    tasks = await service.list_tasks(session, limit=limit, offset=offset)
    more = limit is not None and len(tasks) == limit
    next_cursor = str(offset + len(tasks)) if more else None
    return TaskPage(items=[TaskRead.model_validate(task) for task in tasks], next_cursor=next_cursor)
