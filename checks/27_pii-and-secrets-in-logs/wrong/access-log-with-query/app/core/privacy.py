"""Personal data in logs: mask it before it reaches a log record."""

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_logger = logging.getLogger("app.access")


def mask_email(email: str) -> str:
    """`ada.lovelace@example.com` -> `a***@example.com`: enough to tell cases apart."""
    local, _, domain = email.partition("@")
    if not domain:
        return "***"
    return f"{local[:1]}***@{domain}"


class AccessLogMiddleware:
    """One line per request: method, path, status and duration. Never the query string,
    the headers (Authorization, Cookie) or the body (passwords): they hold secrets."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_code = 500

        async def remember_status(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            access_logger.info(
                "%s %s %d %.0f ms",
                scope["method"],
                f"{scope['path']}?{scope['query_string'].decode()}",
                status_code,
                (time.perf_counter() - started) * 1000,
            )
