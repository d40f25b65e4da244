"""How the tasks routes get their collaborators: each layer built from the one below.

connection (per request, closed afterwards) -> repository -> service. Tests replace any
link with `app.dependency_overrides[get_task_repository] = ...`.
"""

from typing import Annotated

from fastapi import Depends

from app.core.dependencies import ConnectionDep
from app.tasks.repository import TaskRepository
from app.tasks.service import TaskService


def get_task_repository(connection: ConnectionDep) -> TaskRepository:
    return TaskRepository(connection)


TaskRepositoryDep = Annotated[TaskRepository, Depends(get_task_repository)]


def get_task_service(connection: ConnectionDep) -> TaskService:
    # The mistake: builds its own repository instead of asking get_task_repository for one.
    return TaskService(TaskRepository(connection))


TaskServiceDep = Annotated[TaskService, Depends(get_task_service)]
