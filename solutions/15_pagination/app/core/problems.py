"""Errors as RFC 9457 problem details (`application/problem+json`)."""

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

PROBLEM_MEDIA_TYPE = "application/problem+json"

Handler = Callable[[Request, Exception], JSONResponse]
ResponsesDoc = dict[int | str, dict[str, object]]


class Problem(BaseModel):
    """An error answer (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


class ErrorMessage(BaseModel):
    """FastAPI's own error answer, for a body it cannot decode."""

    detail: str


def problem_doc(status: int, description: str) -> ResponsesDoc:
    """`responses=` entry for an answer served as application/problem+json."""
    content = {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}}
    return {status: {"description": description, "content": content}}


MALFORMED_BODY: ResponsesDoc = {400: {"model": ErrorMessage, "description": "Body is not JSON"}}


def problem(status: int, title: str, detail: str, instance: str) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def problem_response(status: int, title: str) -> Handler:
    """An exception handler answering `status` with the exception's message as the detail."""

    def handle(request: Request, error: Exception) -> JSONResponse:
        return problem(status, title, str(error), request.url.path)

    return handle
