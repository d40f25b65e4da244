"""Exception handlers, registered once on the app: every error leaves as a problem."""

from collections.abc import Mapping

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.exceptions import (
    BadGatewayError,
    DomainError,
    GatewayTimeoutError,
    NotFoundError,
    ServiceUnavailableError,
)
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

STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (BadGatewayError, status.HTTP_502_BAD_GATEWAY),
    (ServiceUnavailableError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (GatewayTimeoutError, status.HTTP_504_GATEWAY_TIMEOUT),
)


def register_error_handlers(app: FastAPI) -> None:
    app.exception_handler(DomainError)(answer_domain_error)
    app.exception_handler(StarletteHTTPException)(answer_http_error)
    app.exception_handler(RequestValidationError)(answer_validation_error)


def status_for(error: DomainError) -> int:
    for kind, status_code in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status_code
    return status.HTTP_422_UNPROCESSABLE_CONTENT


async def answer_domain_error(request: Request, error: DomainError) -> ProblemResponse:
    problem = Problem(
        type=PROBLEM_TYPE_BASE + error.code,
        title=error.title,
        status=status_for(error),
        detail=error.detail,
        instance=request.url.path,
    )
    headers = None
    if isinstance(error, ServiceUnavailableError):
        headers = {"Retry-After": str(error.retry_after)}
    return problem_response(problem, headers=headers)


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
        return FieldProblem(detail=message, pointer="#" + "".join(f"/{part}" for part in path))
    return FieldProblem(detail=message, parameter=".".join(str(part) for part in path))
