"""What the task routes accept and return. Links are http(s) URLs, nothing else."""

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    # HttpUrl accepts only http and https: javascript:, data: and vbscript: are refused.
    link: HttpUrl | None = None


class TaskRead(BaseModel):
    id: int
    title: str
    description: str
    link: HttpUrl | None
