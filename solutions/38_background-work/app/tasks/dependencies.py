"""What the task routes need, taken from the lifespan's state."""

from typing import Annotated

from fastapi import Depends, Request

from app.tasks.notifications import Mailer
from app.tasks.service import TaskStore


def get_task_store(request: Request) -> TaskStore:
    store: TaskStore = request.state.task_store
    return store


def get_mailer(request: Request) -> Mailer:
    mailer: Mailer = request.state.mailer
    return mailer


TaskStoreDep = Annotated[TaskStore, Depends(get_task_store)]
MailerDep = Annotated[Mailer, Depends(get_mailer)]
