"""HTTP routes for tasks: each operation is described, tagged, and documents its answers."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from app.core.problems import problem_responses
from app.tasks.schemas import TaskCreate, TaskRead
from app.tasks.service import TaskStore

router = APIRouter(prefix="/tasks", tags=["tasks"], responses=problem_responses(400, 422))


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


Store = Annotated[TaskStore, Depends(get_store)]
TaskId = Annotated[int, Path(gt=0, examples=[7])]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a task",
    operation_id="createTask",
)
def create_task(payload: TaskCreate, store: Store, response: Response) -> TaskRead:
    """Add a task to the tracker. The answer's `Location` header is the new task's URL."""
    task = store.add(payload.title, payload.priority)
    response.headers["Location"] = f"/tasks/{task.id}"
    return TaskRead.model_validate(task)


@router.get("", summary="List tasks", operation_id="listTasks")
def list_tasks(
    store: Store, limit: Annotated[int, Query(ge=1, le=100, examples=[20])] = 20
) -> list[TaskRead]:
    """The first `limit` tasks, oldest first."""
    return [TaskRead.model_validate(task) for task in store.first(limit)]


@router.get(
    "/{task_id}",
    summary="Read a task",
    operation_id="getTask",
    responses=problem_responses(404),
)
def read_task(task_id: TaskId, store: Store) -> TaskRead:
    """One task by its id; 404 when there is no such task."""
    return TaskRead.model_validate(store.get(task_id))


@router.post(
    "/{task_id}/complete",
    summary="Complete a task",
    operation_id="completeTask",
    responses=problem_responses(404, 409),
)
def complete_task(task_id: TaskId, store: Store) -> TaskRead:
    """Mark a task done; 409 when it already is."""
    return TaskRead.model_validate(store.complete(task_id))


@router.delete(
    "/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a task",
    operation_id="deleteTask",
    responses=problem_responses(404),
)
def delete_task(task_id: TaskId, store: Store) -> None:
    """Remove a task for good; 404 when there is no such task."""
    store.remove(task_id)
