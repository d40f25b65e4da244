"""HTTP routes that need the people directory; its failures answer 502, 503 or 504."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from app.assignees.schemas import AssigneeRead, Login, ReminderCreate, ReminderRead
from app.core.problems import problem_responses
from app.directory.dependencies import DirectoryDep

router = APIRouter(tags=["assignees"], responses=problem_responses(422))


@router.get("/assignees/{login}", responses=problem_responses(404))
async def read_assignee(login: Annotated[Login, Path()], directory: DirectoryDep) -> AssigneeRead:
    person = await directory.person(login)
    return AssigneeRead(login=person.login, display_name=person.display_name)


@router.post("/reminders", status_code=status.HTTP_201_CREATED)
async def send_reminder(payload: ReminderCreate, directory: DirectoryDep) -> ReminderRead:
    message = await directory.send_message(payload.login, payload.text)
    return ReminderRead(id=message.id, login=message.to, text=message.text)
