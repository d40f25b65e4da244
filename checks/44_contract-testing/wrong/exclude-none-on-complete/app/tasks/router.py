"""HTTP routes for tasks; each documents every status it can answer with."""

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from app.core.problems import problem_responses
from app.tasks.schemas import TaskCreate, TaskPage, TaskRead
from app.tasks.service import Task, TaskStore

router = APIRouter(prefix="/tasks", tags=["tasks"], responses=problem_responses(422))


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


Store = Annotated[TaskStore, Depends(get_store)]
TaskId = Annotated[int, Path(gt=0, le=2_147_483_647)]


def task_read(task: Task) -> TaskRead:
    return TaskRead(
        id=task.id,
        title=task.title,
        priority=task.priority,
        assignee_id=task.assignee_id,
        is_done=task.is_done,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a task",
    operation_id="createTask",
    # A body that is not JSON at all (or not UTF-8) is refused before validation, with 400.
    responses=problem_responses(400),
)
def create_task(payload: TaskCreate, store: Store, response: Response) -> TaskRead:
    """Add a task; the answer's `Location` header is its URL."""
    task = store.add(payload.title, payload.priority, payload.assignee_id)
    response.headers["Location"] = f"/tasks/{task.id}"
    return task_read(task)


@router.get("", summary="List tasks", operation_id="listTasks")
def list_tasks(
    store: Store,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    # At least 1: the page count divides by it.
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> TaskPage:
    """One page of tasks, oldest first, with the page count."""
    total = store.count()
    tasks = store.page(per_page, (page - 1) * per_page)
    return TaskPage(
        items=[task_read(task) for task in tasks],
        page=page,
        per_page=per_page,
        total=total,
        pages=math.ceil(total / per_page),
    )


@router.get("/{task_id}", summary="Read a task", operation_id="getTask",
            responses=problem_responses(404))
def read_task(task_id: TaskId, store: Store) -> TaskRead:
    """One task by its id."""
    return task_read(store.get(task_id))


@router.post("/{task_id}/complete", summary="Complete a task", operation_id="completeTask",
             responses=problem_responses(404, 409),
             response_model_exclude_none=True)  # a lighter answer: leave out empty fields
def complete_task(task_id: TaskId, store: Store) -> TaskRead:
    """Mark a task done; 409 when it already is."""
    return task_read(store.complete(task_id))


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a task",
               operation_id="deleteTask", responses=problem_responses(404))
def delete_task(task_id: TaskId, store: Store) -> None:
    """Remove a task for good."""
    store.remove(task_id)
