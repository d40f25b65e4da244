"""The tasks API contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# A login goes into the directory's URL path: allow nothing that could change the path.
Login = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    assignee: Login


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    assignee: str
    assignee_name: str


class ErrorMessage(BaseModel):
    """The body of a 400 or 502: `{"detail": "..."}`."""

    detail: str
