"""Routes that need the blocking directory, and one that needs nothing."""

from typing import Annotated

import anyio

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool

from app.core.config import Settings, get_settings
from app.directory.client import DirectoryClient
from app.tasks.schemas import Assignee, Health

router = APIRouter()
Login = Annotated[str, Path(pattern=r"^[a-z][a-z.]{0,63}$")]


def get_directory(settings: Annotated[Settings, Depends(get_settings)]) -> DirectoryClient:
    return DirectoryClient(settings.directory_latency_seconds)


Directory = Annotated[DirectoryClient, Depends(get_directory)]
ONE_AT_A_TIME = anyio.CapacityLimiter(1)


@router.get("/assignees/{login}")
def read_assignee(login: Login, directory: Directory) -> Assignee:
    # Plain `def`: nothing here awaits, so FastAPI runs it in its thread pool and the event
    # loop stays free for other requests while the directory call blocks this thread.
    person = directory.lookup(login)
    return Assignee(login=person.login, display_name=person.display_name, team=person.team)


@router.get("/tasks/{task_id}/assignee")
async def read_task_assignee(task_id: int, directory: Directory) -> Assignee:
    # An `async def` that must call blocking code hands it to a worker thread and awaits it.
    login = f"owner.{task_id % 7}"
    person = await anyio.to_thread.run_sync(directory.lookup, login, limiter=ONE_AT_A_TIME)
    return Assignee(login=person.login, display_name=person.display_name, team=person.team)


@router.get("/healthz")
async def healthz() -> Health:
    return Health(is_alive=True)
