"""HTTP routes for the caller's own tasks and their comments."""

from fastapi import APIRouter, HTTPException, Response, status

from app.auth.dependencies import CurrentUser
from app.core.db import SessionDep
from app.tasks import service
from app.tasks.schemas import CommentCreate, CommentRead, TaskCreate, TaskRead, TaskUpdate

NOT_FOUND: dict[int | str, dict[str, object]] = {
    status.HTTP_404_NOT_FOUND: {"description": "No such task among the caller's"}
}
router = APIRouter(
    prefix="/tasks",
    tags=["tasks"],
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Not authenticated"}},
)


def task_not_found(task_id: int) -> HTTPException:
    # The same answer whether the task is someone else's or does not exist at all.
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"task {task_id} not found")


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_task(payload: TaskCreate, user: CurrentUser, session: SessionDep) -> TaskRead:
    return TaskRead.model_validate(await service.add_task(session, user.id, payload.title))


@router.get("")
async def list_tasks(
    user: CurrentUser, session: SessionDep, is_done: bool | None = None, owner: int | None = None
) -> list[TaskRead]:
    """The caller's tasks by default; `?owner=` shows a teammate's board."""
    tasks = await service.list_tasks(session, owner or user.id, is_done)
    return [TaskRead.model_validate(task) for task in tasks]


@router.get("/{task_id}", responses=NOT_FOUND)
async def read_task(task_id: int, user: CurrentUser, session: SessionDep) -> TaskRead:
    try:
        return TaskRead.model_validate(await service.get_task(session, user.id, task_id))
    except service.TaskNotFoundError:
        raise task_not_found(task_id) from None


@router.patch("/{task_id}", responses=NOT_FOUND)
async def update_task(
    task_id: int, payload: TaskUpdate, user: CurrentUser, session: SessionDep
) -> TaskRead:
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    try:
        task = await service.update_task(session, user.id, task_id, changes)
    except service.TaskNotFoundError:
        raise task_not_found(task_id) from None
    return TaskRead.model_validate(task)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
async def delete_task(task_id: int, user: CurrentUser, session: SessionDep) -> Response:
    try:
        await service.delete_task(session, user.id, task_id)
    except service.TaskNotFoundError:
        raise task_not_found(task_id) from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{task_id}/comments", status_code=status.HTTP_201_CREATED, responses=NOT_FOUND)
async def add_comment(
    task_id: int, payload: CommentCreate, user: CurrentUser, session: SessionDep
) -> CommentRead:
    try:
        comment = await service.add_comment(session, user.id, task_id, payload.body)
    except service.TaskNotFoundError:
        raise task_not_found(task_id) from None
    return CommentRead.model_validate(comment)


@router.get("/{task_id}/comments", responses=NOT_FOUND)
async def list_comments(task_id: int, user: CurrentUser, session: SessionDep) -> list[CommentRead]:
    try:
        comments = await service.list_comments(session, user.id, task_id)
    except service.TaskNotFoundError:
        raise task_not_found(task_id) from None
    return [CommentRead.model_validate(comment) for comment in comments]
