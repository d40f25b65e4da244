"""What the task routes accept and return. Links are http(s) URLs, nothing else."""

from pydantic import AnyUrl, BaseModel, ConfigDict, Field


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    link: AnyUrl | None = None


class TaskRead(BaseModel):
    id: int
    title: str
    description: str
    link: AnyUrl | None
