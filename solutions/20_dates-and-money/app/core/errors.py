"""What an error answer carries, for the API contract."""

from pydantic import BaseModel


class ErrorMessage(BaseModel):
    """The body of an error answer: what went wrong, for a person to read."""

    detail: str
