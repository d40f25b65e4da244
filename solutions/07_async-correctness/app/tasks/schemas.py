"""The API contract for assignees."""

from pydantic import BaseModel


class Assignee(BaseModel):
    login: str
    display_name: str
    team: str


class Health(BaseModel):
    is_alive: bool
