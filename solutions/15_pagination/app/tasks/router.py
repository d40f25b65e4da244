"""HTTP routes for tasks: every list is bounded, the feed pages by cursor."""

from fastapi import APIRouter, status

from app.core.db import SessionDep
from app.core.problems import MALFORMED_BODY, problem_doc
from app.tasks import service
from app.tasks.schemas import DEFAULT_LIMIT, Cursor, Limit, Offset, TaskCreate, TaskPage, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=MALFORMED_BODY)
async def create_task(payload: TaskCreate, session: SessionDep) -> TaskRead:
    return TaskRead.model_validate(await service.add_task(session, payload))


@router.get("")
async def list_tasks(
    session: SessionDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
) -> list[TaskRead]:
    """Tasks by due date, then id: a bounded slice, for jumping to a page in a short list."""
    tasks = await service.list_slice(session, limit=limit, offset=offset)
    return [TaskRead.model_validate(task) for task in tasks]


@router.get("/feed", responses=problem_doc(400, "The cursor is not one this service issued."))
async def task_feed(
    session: SessionDep, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> TaskPage:
    """Tasks by due date, then id, a page at a time: send `next_cursor` back for the next."""
    return await service.feed_page(session, cursor=cursor, limit=limit)
