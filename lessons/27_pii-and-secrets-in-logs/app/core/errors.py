"""The catch-all: an unexpected error is logged with its traceback and answered with a 500."""

import logging

from fastapi import Request, status
from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)


async def answer_unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return JSONResponse(
        {"detail": "the server failed to answer"},
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
