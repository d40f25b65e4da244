"""What the task routes accept and return. Links are http(s) URLs, nothing else."""

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    link: HttpUrl | None = None

    @field_validator("link", mode="before")
    @classmethod
    def drop_unsafe_links(cls, value: object) -> object:
        # An unsafe link is dropped, so the task is still saved.
        try:
            return HttpUrl(str(value)) if value is not None else None
        except ValidationError:
            return None


class TaskRead(BaseModel):
    id: int
    title: str
    description: str
    link: HttpUrl | None
