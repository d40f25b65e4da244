"""HTTP routes that need the people directory."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, status

from app.assignees.directory import call_directory
from app.assignees.schemas import AssigneeRead, Login, ReminderCreate, ReminderRead

router = APIRouter(tags=["assignees"])


@router.get("/assignees/{login}")
async def read_assignee(login: Annotated[Login, Path()], request: Request) -> AssigneeRead:
    response = await call_directory(request, "GET", f"/people/{login}")
    if response.status_code == 404:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no person {login!r}")
    return AssigneeRead.model_validate(response.json())


@router.post("/reminders", status_code=status.HTTP_201_CREATED)
async def send_reminder(payload: ReminderCreate, request: Request) -> ReminderRead:
    response = await call_directory(
        request, "POST", "/messages", json={"to": payload.login, "text": payload.text}
    )
    message = response.json()
    return ReminderRead(id=message["id"], login=message["to"], text=message["text"])
