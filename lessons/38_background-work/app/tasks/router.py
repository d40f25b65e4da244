"""HTTP routes for tasks."""

from fastapi import APIRouter, Request, status

from app.tasks.schemas import TaskCreate, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_task(payload: TaskCreate, request: Request) -> TaskRead:
    task = request.state.task_store.add(
        payload.title, payload.project_id, payload.assignee_email
    )
    # The client waits while the mail server takes its time.
    await request.state.mailer.send(task.assignee_email, f"New task: {task.title}")
    return TaskRead.model_validate(task, from_attributes=True)
