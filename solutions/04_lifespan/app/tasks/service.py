"""Task rules: a task is assigned to someone the directory knows."""

import httpx

from app.directory.client import find_person
from app.tasks.repository import TaskRepository
from app.tasks.schemas import TaskCreate, TaskRead


class UnknownAssigneeError(Exception):
    def __init__(self, login: str) -> None:
        super().__init__(f"the directory knows no one called {login!r}")


async def create_task(
    data: TaskCreate, repository: TaskRepository, directory: httpx.AsyncClient
) -> TaskRead:
    person = await find_person(directory, data.assignee)
    if person is None:
        raise UnknownAssigneeError(data.assignee)
    return await repository.add(data.title, data.assignee, person.name)
