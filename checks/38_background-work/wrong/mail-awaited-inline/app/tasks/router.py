"""HTTP routes for tasks."""

from fastapi import APIRouter, BackgroundTasks, Response, status

from app.core.problems import problem_responses
from app.tasks.dependencies import MailerDep, TaskStoreDep
from app.tasks.schemas import TaskCreate, TaskRead

router = APIRouter(prefix="/tasks", tags=["tasks"], responses=problem_responses(422))


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_task(
    payload: TaskCreate,
    store: TaskStoreDep,
    mailer: MailerDep,
    background_tasks: BackgroundTasks,
    response: Response,
) -> TaskRead:
    task = store.add(payload.title, payload.project_id, payload.assignee_email)
    await mailer.send(task.assignee_email, f"New task: {task.title}")
    response.headers["Location"] = f"/tasks/{task.id}"
    return TaskRead.model_validate(task)


@router.get("/{task_id}", responses=problem_responses(404))
async def read_task(task_id: int, store: TaskStoreDep) -> TaskRead:
    return TaskRead.model_validate(store.get(task_id))
