"""The projects API contract: one schema per direction."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

ProjectName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Description = Annotated[str, StringConstraints(max_length=2000)]


class StrictInput(BaseModel):
    """Input schemas refuse fields they do not declare."""

    model_config = ConfigDict(extra="forbid")


class ProjectCreate(StrictInput):
    name: ProjectName
    description: Description | None = None


class ProjectUpdate(StrictInput):
    # Copied from ProjectCreate: a PATCH body has to carry the whole project.
    name: ProjectName
    description: Description | None = None


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
