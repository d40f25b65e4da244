"""What the task routes accept and return."""

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)


class TaskRead(BaseModel):
    id: int
    title: str
    created_at: AwareDatetime
