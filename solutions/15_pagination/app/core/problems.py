"""Errors as RFC 9457 problem details (`application/problem+json`)."""

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse

PROBLEM_MEDIA_TYPE = "application/problem+json"

Handler = Callable[[Request, Exception], JSONResponse]


def problem(status: int, title: str, detail: str, instance: str) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": instance}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def problem_response(status: int, title: str) -> Handler:
    """An exception handler answering `status` with the exception's message as the detail."""

    def handle(request: Request, error: Exception) -> JSONResponse:
        return problem(status, title, str(error), request.url.path)

    return handle
