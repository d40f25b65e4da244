"""HTTP routes for tasks."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from app.tasks.schemas import TaskCreate, TaskRead, TaskUpdate
from app.tasks.service import TaskNotFoundError, TaskStore

router = APIRouter(prefix="/tasks", tags=["tasks"])
NOT_FOUND: dict[int | str, dict[str, object]] = {
    status.HTTP_404_NOT_FOUND: {"description": "No such task"}
}


def get_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.tasks
    return store


StoreDep = Annotated[TaskStore, Depends(get_store)]


@router.get("")
async def list_tasks(store: StoreDep) -> list[TaskRead]:
    return store.all_tasks()


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_task(payload: TaskCreate, store: StoreDep, response: Response) -> TaskRead:
    task = store.add(payload.title)
    response.headers["Location"] = f"/tasks/{task.id}"
    return task


@router.patch("/{task_id}", responses=NOT_FOUND)
async def update_task(task_id: int, payload: TaskUpdate, store: StoreDep) -> TaskRead:
    try:
        return store.update(task_id, payload.model_dump(exclude_unset=True, exclude_none=True))
    except TaskNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="task not found") from None


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
async def delete_task(task_id: int, store: StoreDep) -> Response:
    try:
        store.delete(task_id)
    except TaskNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="task not found") from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)
