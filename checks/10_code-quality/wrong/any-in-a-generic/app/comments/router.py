"""HTTP routes for the comments of a task."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, status

from app.comments.schemas import CommentCreate, CommentRead, ErrorMessage
from app.comments.service import CommentStore, to_read

router = APIRouter(prefix="/tasks/{task_id}/comments", tags=["comments"])

TaskId = Annotated[int, Path(gt=0, le=2_147_483_647)]


def get_store(request: Request) -> CommentStore:
    store: CommentStore = request.state.comment_store
    return store


Store = Annotated[CommentStore, Depends(get_store)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
def add_comment(task_id: TaskId, payload: CommentCreate, store: Store) -> CommentRead:
    return CommentRead.model_validate(to_read(store.add(task_id, payload)))


@router.get("")
def list_comments(task_id: TaskId, store: Store) -> list[CommentRead]:
    return [CommentRead.model_validate(to_read(comment)) for comment in store.for_task(task_id)]
