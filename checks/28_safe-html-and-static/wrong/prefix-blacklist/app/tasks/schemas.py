"""What the task routes accept and return. Links are http(s) URLs, nothing else."""

from pydantic import BaseModel, ConfigDict, Field, field_validator


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    link: str | None = Field(default=None, max_length=2000)

    @field_validator("link")
    @classmethod
    def refuse_script_links(cls, link: str | None) -> str | None:
        if link is not None and link.startswith(("javascript:", "data:")):
            raise ValueError("script links are not allowed")
        return link


class TaskRead(BaseModel):
    id: int
    title: str
    description: str
    link: str | None
