"""Routes that need the blocking directory, and one that needs nothing."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from app.core.config import Settings, get_settings
from app.directory.client import DirectoryClient, Person
from app.tasks.schemas import Assignee, Health

router = APIRouter()
Login = Annotated[str, Path(pattern=r"^[a-z][a-z.]{0,63}$")]


def get_directory(settings: Annotated[Settings, Depends(get_settings)]) -> DirectoryClient:
    return DirectoryClient(settings.directory_latency_seconds)


Directory = Annotated[DirectoryClient, Depends(get_directory)]


async def person_by_login(login: Login, directory: Directory) -> Person:
    return directory.lookup(login)


async def person_by_task(task_id: int, directory: Directory) -> Person:
    return directory.lookup(f"owner.{task_id % 7}")


@router.get("/assignees/{login}")
def read_assignee(person: Annotated[Person, Depends(person_by_login)]) -> Assignee:
    return Assignee(login=person.login, display_name=person.display_name, team=person.team)


@router.get("/tasks/{task_id}/assignee")
def read_task_assignee(person: Annotated[Person, Depends(person_by_task)]) -> Assignee:
    return Assignee(login=person.login, display_name=person.display_name, team=person.team)


@router.get("/healthz")
async def healthz() -> Health:
    return Health(is_alive=True)
