"""Exception handlers, registered once on the app: every error leaves as a problem."""

import logging
from collections.abc import Mapping, Sequence

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.exceptions import ConflictError, DomainError, NotFoundError
from app.core.problems import (
    BLANK_TYPE,
    PROBLEM_TYPE_BASE,
    FieldProblem,
    Problem,
    ProblemResponse,
    ValidationProblem,
    problem_response,
    reason_phrase,
)

logger = logging.getLogger(__name__)


def register_error_handlers(app: FastAPI) -> None:
    app.exception_handler(DomainError)(answer_domain_error)
    app.exception_handler(StarletteHTTPException)(answer_http_error)
    app.exception_handler(RequestValidationError)(answer_validation_error)
    app.exception_handler(Exception)(answer_unexpected_error)


def status_for(error: DomainError) -> int:
    if isinstance(error, NotFoundError):
        return status.HTTP_404_NOT_FOUND
    if isinstance(error, ConflictError):
        return status.HTTP_409_CONFLICT
    return status.HTTP_422_UNPROCESSABLE_CONTENT


async def answer_domain_error(request: Request, error: DomainError) -> ProblemResponse:
    problem = Problem(
        type=PROBLEM_TYPE_BASE + error.code,
        title=error.title,
        status=status_for(error),
        detail=error.detail,
        instance=request.url.path,
    )
    return problem_response(problem)


async def answer_http_error(
    request: Request, error: StarletteHTTPException
) -> ProblemResponse:
    title = reason_phrase(error.status_code)
    detail = error.detail if isinstance(error.detail, str) else title
    problem = Problem(
        type=BLANK_TYPE,
        title=title,
        status=error.status_code,
        detail=detail,
        instance=request.url.path,
    )
    return problem_response(problem, headers=error.headers)


async def answer_validation_error(
    request: Request, error: RequestValidationError
) -> ProblemResponse:
    errors = [field_problem(item) for item in error.errors()]
    problem = ValidationProblem(
        type=PROBLEM_TYPE_BASE + "invalid-request",
        title="The request is not valid",
        status=status.HTTP_422_UNPROCESSABLE_CONTENT,
        detail=f"The request has {len(errors)} invalid value(s); each is listed in errors.",
        instance=request.url.path,
        errors=errors,
    )
    return problem_response(problem)


def field_problem(error: Mapping[str, object]) -> FieldProblem:
    """Where one validation error points: a JSON Pointer into the body, else a parameter."""
    location = error.get("loc")
    source, *path = location if isinstance(location, tuple | list) and location else ("body",)
    message = str(error.get("msg", "invalid value"))
    if source == "body":
        return FieldProblem(detail=message, pointer=json_pointer(path))
    return FieldProblem(detail=message, parameter=".".join(str(part) for part in path))


def json_pointer(path: Sequence[object]) -> str:
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in path)
    return "#" + "".join("/" + part for part in escaped)


async def answer_unexpected_error(request: Request, error: Exception) -> ProblemResponse:
    logger.error("unhandled %s on %s %s", type(error).__name__, request.method,
                 request.url.path, exc_info=error)
    problem = Problem(
        title=reason_phrase(status.HTTP_500_INTERNAL_SERVER_ERROR),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        detail="The server failed to answer.",
        instance=request.url.path,
    )
    return problem_response(problem)
