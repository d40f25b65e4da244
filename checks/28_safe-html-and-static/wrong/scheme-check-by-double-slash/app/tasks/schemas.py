"""What the task routes accept and return. Links are http(s) URLs, nothing else."""

from pydantic import BaseModel, ConfigDict, Field, field_validator


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    link: str | None = Field(default=None, max_length=2000)

    @field_validator("link")
    @classmethod
    def only_web_links(cls, value: str | None) -> str | None:
        # Web links have a host: "scheme://host/...". (javascript://%0a... has one too.)
        if value is not None and "://" not in value:
            raise ValueError("only http and https links")
        return value


class TaskRead(BaseModel):
    id: int
    title: str
    description: str
    link: str | None
