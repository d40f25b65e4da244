"""Shapes shared by every feature."""

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """What a route returns when something went wrong."""

    error: str
    traceback: str | None = None
