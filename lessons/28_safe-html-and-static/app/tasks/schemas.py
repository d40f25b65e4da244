"""What the task routes accept and return."""

from pydantic import BaseModel, ConfigDict, Field


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    link: str | None = Field(default=None, max_length=2000)


class TaskRead(BaseModel):
    id: int
    title: str
    description: str
    link: str | None
