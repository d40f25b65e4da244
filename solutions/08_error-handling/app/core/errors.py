"""Exception handlers, registered once on the app: the only place errors become HTTP."""

import logging
import re
import uuid

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from app.core.exceptions import ConflictError, DomainError, NotFoundError

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def register_error_handlers(app: FastAPI) -> None:
    app.exception_handler(DomainError)(answer_domain_error)
    # Starlette's ServerErrorMiddleware calls the Exception handler, sends its answer, then
    # re-raises so that the server sees the failure too.
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


async def answer_domain_error(request: Request, error: DomainError) -> JSONResponse:
    # A domain error's detail names the broken rule and nothing else: safe to show.
    return JSONResponse({"detail": error.detail}, status_code=status_for(error))


async def answer_unexpected_error(request: Request, error: Exception) -> JSONResponse:
    request_id = request_id_of(request)
    # The log gets everything: the exception with its traceback, and the request id ...
    logger.error(
        "unhandled %s on %s %s (request id %s)",
        type(error).__name__,
        request.method,
        request.url.path,
        request_id,
        exc_info=error,
        extra={"request_id": request_id},
    )
    # ... the client gets nothing of it but the id that finds the log record.
    return JSONResponse(
        {
            "detail": "Internal server error. Quote the request id if you report it.",
            "request_id": request_id,
        },
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        headers={REQUEST_ID_HEADER: request_id},
    )
