"""The projects API contract."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title


class ProjectRead(BaseModel):
    id: int
    name: str


class TaskRead(BaseModel):
    id: int
    title: str


class ShareLink(BaseModel):
    token: str
    path: str


class SharedProject(BaseModel):
    project: ProjectRead
    tasks: list[TaskRead]


class ErrorMessage(BaseModel):
    """The body of a 400, 404 or 409: `{"detail": "..."}`."""

    detail: str
