"""HTTP routes for tasks: they call the service and let errors travel to the handlers."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from app.core.schemas import ErrorMessage, Unprocessable
from app.tasks.schemas import Assignment, TaskCreate, TaskRead
from app.tasks.service import TaskStore

router = APIRouter(prefix="/tasks", tags=["tasks"])


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


Store = Annotated[TaskStore, Depends(get_store)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={400: {"model": ErrorMessage, "description": "The body is not JSON"}},
)
def create_task(payload: TaskCreate, store: Store, response: Response) -> TaskRead:
    task = store.add(payload.title)
    response.headers["Location"] = f"/tasks/{task.id}"
    return TaskRead.model_validate(task)


@router.get(
    "",
    responses={
        400: {"model": ErrorMessage, "description": "assignee_id and unassigned=true contradict"}
    },
)
def list_tasks(
    store: Store,
    assignee_id: Annotated[int | None, Query(gt=0)] = None,
    is_unassigned: Annotated[bool, Query(alias="unassigned")] = False,
) -> list[TaskRead]:
    if assignee_id is not None and is_unassigned:
        # A guard clause about the request itself: an HTTP error, raised at the edge.
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, detail="filter by assignee_id or unassigned, not both"
        )
    tasks = store.matching(assignee_id, is_unassigned=is_unassigned)
    return [TaskRead.model_validate(task) for task in tasks]


@router.get(
    "/{task_id}", responses={404: {"model": ErrorMessage, "description": "No task has this id"}}
)
def read_task(task_id: int, store: Store) -> TaskRead:
    return TaskRead.model_validate(store.get(task_id))


@router.post(
    "/{task_id}/complete",
    responses={
        404: {"model": ErrorMessage, "description": "No task has this id"},
        409: {"model": ErrorMessage, "description": "The task is already done"},
    },
)
def complete_task(task_id: int, store: Store) -> TaskRead:
    return TaskRead.model_validate(store.complete(task_id))


@router.put(
    "/{task_id}/assignee",
    responses={
        400: {"model": ErrorMessage, "description": "The body is not JSON"},
        404: {"model": ErrorMessage, "description": "No task has this id"},
        409: {"model": ErrorMessage, "description": "The task is already done"},
        422: {
            "model": Unprocessable,
            "description": "Invalid input, or the user is not on the team",
        },
    },
)
def assign_task(task_id: int, payload: Assignment, store: Store) -> TaskRead:
    return TaskRead.model_validate(store.assign(task_id, payload.user_id))
