"""The bodies of error answers, as the handlers in app/core/errors.py write them."""

from pydantic import BaseModel


class ErrorMessage(BaseModel):
    """A 4xx answer: `{"detail": "task 7 does not exist"}`."""

    detail: str


class ValidationIssue(BaseModel):
    """One entry of FastAPI's validation answer."""

    loc: list[str | int]
    msg: str
    type: str


class Unprocessable(BaseModel):
    """A 422: FastAPI's list of validation issues, or a broken business rule's message."""

    detail: str | list[ValidationIssue]


class ServerError(BaseModel):
    """The catch-all's 500: a fixed message and the id that finds the log record."""

    detail: str
    request_id: str
