"""The assignees API contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Login = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9.]{0,31}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class AssigneeRead(BaseModel):
    login: str
    display_name: str


class ReminderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: Login
    text: Text


class ReminderRead(BaseModel):
    id: int
    login: str
    text: str
