"""HTTP routes for tasks; each documents the problems it can answer with."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from app.core.problems import problem_responses
from app.tasks.schemas import TaskCreate, TaskRead
from app.tasks.service import TaskStore

router = APIRouter(prefix="/tasks", tags=["tasks"], responses=problem_responses(500))


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


Store = Annotated[TaskStore, Depends(get_store)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=problem_responses(400))
def create_task(payload: TaskCreate, store: Store, response: Response) -> TaskRead:
    task = store.add(payload.title)
    response.headers["Location"] = f"/tasks/{task.id}"
    return TaskRead.model_validate(task)


@router.get("", responses=problem_responses(400))
def list_tasks(
    store: Store,
    assignee_id: Annotated[int | None, Query(gt=0)] = None,
    is_unassigned: Annotated[bool, Query(alias="unassigned")] = False,
) -> list[TaskRead]:
    if assignee_id is not None and is_unassigned:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, detail="filter by assignee_id or unassigned, not both"
        )
    tasks = store.matching(assignee_id, is_unassigned=is_unassigned)
    return [TaskRead.model_validate(task) for task in tasks]


@router.get("/{task_id}", responses=problem_responses(404))
def read_task(task_id: int, store: Store) -> TaskRead:
    return TaskRead.model_validate(store.get(task_id))


@router.post("/{task_id}/complete", responses=problem_responses(404, 409))
def complete_task(task_id: int, store: Store) -> TaskRead:
    return TaskRead.model_validate(store.complete(task_id))
