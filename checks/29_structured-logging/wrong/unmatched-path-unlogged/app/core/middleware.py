"""One JSON log line per request, and one JSON record (with its traceback) per crash."""

import logging
import time
import uuid

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("app.requests")

REQUEST_ID_HEADER = b"x-request-id"


class RequestLogMiddleware:
    """Pure ASGI middleware: it sees every answer, errors and 404s included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_code = 500
        has_started_response = False

        async def send_and_remember(message: Message) -> None:
            nonlocal status_code, has_started_response
            if message["type"] == "http.response.start":
                status_code = message["status"]
                has_started_response = True
            await send(message)

        try:
            await self.app(scope, receive, send_and_remember)
        except Exception:
            # One record, traceback inside; the crash is handled here, not re-raised to the
            # server, which would log it a second time.
            logger.exception("unhandled error", extra={"request_id": request_id_of(scope)})
            status_code = 500
            if has_started_response:
                raise
            await server_error(scope, receive, send)
        finally:
            if route_template(scope) is None:
                return
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": route_template(scope),
                    "status": status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "request_id": request_id_of(scope),
                },
            )


def route_template(scope: Scope) -> str | None:
    """The matched route's path template (`/tasks/{task_id}`), never the raw path."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else None


def request_id_of(scope: Scope) -> str:
    """The caller's X-Request-ID, or one made up once per request (lesson 30 validates it)."""
    if "request_id" not in scope:
        sent = dict(scope["headers"]).get(REQUEST_ID_HEADER, b"").decode("latin-1")
        scope["request_id"] = sent or uuid.uuid4().hex
    request_id: str = scope["request_id"]
    return request_id


async def server_error(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {"type": "about:blank", "title": "Internal Server Error", "status": 500,
         "detail": "the server failed to answer; the error is logged",
         "request_id": request_id_of(scope)},
        status_code=500,
        media_type="application/problem+json",
    )
    await response(scope, receive, send)
