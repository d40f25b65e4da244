"""How a request gets its service: session -> repository -> service, each overridable."""

from typing import Annotated

from fastapi import Depends

from app.core.dependencies import SessionDep
from app.tasks.repository import SqlTaskRepository
from app.tasks.service import TaskService


def get_task_repository(session: SessionDep) -> SqlTaskRepository:
    return SqlTaskRepository(session)


def get_task_service(
    repository: Annotated[SqlTaskRepository, Depends(get_task_repository)],
) -> TaskService:
    return TaskService(repository)


TaskServiceDep = Annotated[TaskService, Depends(get_task_service)]
