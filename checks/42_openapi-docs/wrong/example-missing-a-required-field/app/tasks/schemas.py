"""The tasks API contract; each model carries an example that validates against it."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Priority = Annotated[int, Field(ge=1, le=5, description="1 is the most urgent")]


class TaskCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"title": "Write the release notes", "priority": 2}]},
    )

    title: Title
    priority: Priority = 3


class TaskRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {"id": 7, "title": "Write the release notes", "priority": 2}
            ]
        },
    )

    id: int
    title: str
    priority: int
    is_done: bool
