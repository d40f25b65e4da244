"""The jobs API contract: what a client polls."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class JobStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: JobStatus
    result: dict[str, int] | None
    error: str | None
