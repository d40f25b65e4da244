"""Exception handlers, registered once on the app: every error leaves as a problem."""

import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

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
    ServerProblem,
    ValidationProblem,
    problem_response,
    reason_phrase,
)

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def register_error_handlers(app: FastAPI) -> None:
    app.exception_handler(DomainError)(answer_domain_error)
    # Starlette's HTTPException, not only FastAPI's subclass: the router raises Starlette's
    # for unknown routes (404) and wrong methods (405).
    app.exception_handler(StarletteHTTPException)(answer_http_error)
    app.exception_handler(RequestValidationError)(answer_validation_error)
    app.exception_handler(Exception)(answer_unexpected_error)


def status_for(error: DomainError) -> int:
    if isinstance(error, NotFoundError):
        return status.HTTP_404_NOT_FOUND
    if isinstance(error, ConflictError):
        return status.HTTP_409_CONFLICT
    return status.HTTP_422_UNPROCESSABLE_CONTENT


def request_id_of(request: Request) -> str:
    """The client's X-Request-ID when it is sane (it goes into logs), else a fresh one."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    return offered if _SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


async def answer_domain_error(request: Request, error: DomainError) -> ProblemResponse:
    # The mistake: every domain problem is about:blank, told apart only by prose.
    problem = Problem(
        type=BLANK_TYPE,
        title=error.title,
        status=status_for(error),
        detail=error.detail,
        instance=request.url.path,
    )
    return problem_response(problem)


async def answer_http_error(request: Request, error: StarletteHTTPException) -> ProblemResponse:
    title = reason_phrase(error.status_code)
    detail = error.detail if isinstance(error.detail, str) else title
    problem = Problem(
        type=BLANK_TYPE,
        title=title,
        status=error.status_code,
        detail=detail,
        instance=request.url.path,
    )
    # Keep the exception's headers: Allow on a 405, WWW-Authenticate on a 401.
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


def field_problem(error: Mapping[str, Any]) -> FieldProblem:
    """Where one validation error points: a JSON Pointer into the body, else a parameter."""
    source, *path = error.get("loc", ("body",))
    if error.get("type") == "json_invalid":
        reason = error.get("ctx", {}).get("error", "not JSON")
        return FieldProblem(detail=f"The body is not valid JSON: {reason}", pointer="#")
    if source == "body":
        return FieldProblem(detail=error["msg"], pointer=json_pointer(path))
    return FieldProblem(detail=error["msg"], parameter=".".join(str(part) for part in path))


def json_pointer(path: Sequence[object]) -> str:
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in path)
    return "#" + "".join("/" + part for part in escaped)


async def answer_unexpected_error(request: Request, error: Exception) -> ProblemResponse:
    # Starlette's ServerErrorMiddleware calls this, sends the answer, then re-raises.
    request_id = request_id_of(request)
    logger.error(
        "unhandled %s on %s %s (request id %s)",
        type(error).__name__,
        request.method,
        request.url.path,
        request_id,
        exc_info=error,
        extra={"request_id": request_id},
    )
    problem = ServerProblem(
        title=reason_phrase(status.HTTP_500_INTERNAL_SERVER_ERROR),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        detail="The server failed to answer. Quote the request id if you report it.",
        instance=request.url.path,
        request_id=request_id,
    )
    return problem_response(problem, headers={REQUEST_ID_HEADER: request_id})
