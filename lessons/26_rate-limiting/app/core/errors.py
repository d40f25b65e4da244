"""Exception handlers: every error leaves as a problem (lessons 08 and 09)."""

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.problems import problem_response

logger = logging.getLogger(__name__)


def register_error_handlers(app: FastAPI) -> None:
    app.exception_handler(StarletteHTTPException)(answer_http_error)
    app.exception_handler(RequestValidationError)(answer_validation_error)
    app.exception_handler(Exception)(answer_unexpected_error)


async def answer_http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    detail = error.detail if isinstance(error.detail, str) else "the request was refused"
    return problem_response(error.status_code, detail, request.url.path, error.headers)


async def answer_validation_error(
    request: Request, error: RequestValidationError
) -> JSONResponse:
    fields = ", ".join(".".join(str(part) for part in item["loc"]) for item in error.errors())
    detail = f"invalid value(s): {fields}"
    return problem_response(status.HTTP_422_UNPROCESSABLE_CONTENT, detail, request.url.path)


async def answer_unexpected_error(request: Request, error: Exception) -> JSONResponse:
    # Starlette's ServerErrorMiddleware calls this, outside every middleware added with
    # add_middleware, sends the answer, then re-raises.
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem_response(
        status.HTTP_500_INTERNAL_SERVER_ERROR, "the server failed to answer", request.url.path
    )
