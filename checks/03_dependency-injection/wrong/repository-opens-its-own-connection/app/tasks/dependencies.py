"""How the tasks routes get their collaborators: each layer built from the one below.

connection (per request, closed afterwards) -> repository -> service. Tests replace any
link with `app.dependency_overrides[get_task_repository] = ...`.
"""

from typing import Annotated

from fastapi import Depends

from app.core.dependencies import DatabaseDep
from app.tasks.repository import TaskRepository
from app.tasks.service import TaskService


def get_task_repository(database: DatabaseDep) -> TaskRepository:
    return TaskRepository(database.connect())


TaskRepositoryDep = Annotated[TaskRepository, Depends(get_task_repository)]


def get_task_service(repository: TaskRepositoryDep) -> TaskService:
    return TaskService(repository)


TaskServiceDep = Annotated[TaskService, Depends(get_task_service)]
