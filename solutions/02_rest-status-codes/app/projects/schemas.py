"""The projects API contract: one schema per direction."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

ProjectName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Description = Annotated[str, StringConstraints(max_length=2000)]


class StrictInput(BaseModel):
    """Input schemas refuse fields they do not declare."""

    model_config = ConfigDict(extra="forbid")


class ProjectCreate(StrictInput):
    name: ProjectName
    description: Description | None = None


class ProjectUpdate(StrictInput):
    """A PATCH body: every field may be left out, and only the fields sent are applied.

    `description` may be sent as null, which clears it; `name` may be left out but never
    set to null, because a project always has a name.
    """

    name: ProjectName | None = None
    description: Description | None = None

    @field_validator("name")
    @classmethod
    def name_is_not_null(cls, value: str | None) -> str:
        # Runs only when `name` was sent: defaults are not validated.
        if value is None:
            raise ValueError("may be left out, but not set to null")
        return value


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None


class ErrorMessage(BaseModel):
    """The body of a 400 or 404: `{"detail": "..."}`."""

    detail: str
