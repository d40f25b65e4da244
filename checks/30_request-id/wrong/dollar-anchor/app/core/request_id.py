"""The request id: read or made up at the edge, kept in a context variable, sent onwards.

A context variable is per task: every request handled concurrently on the event loop sees
its own value, and so does everything the request awaits (and threads it starts through
`run_in_threadpool`, which copy the context).
"""

import logging
import re
import uuid
from contextvars import ContextVar

import httpx
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
# What an id we accept looks like: a UUID, a ULID, a hex string, nothing a terminal or a log
# parser would interpret. Anything else is replaced, never logged or forwarded.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    return _request_id.get()


def accepted_or_new(sent: bytes | None) -> str:
    """The caller's id if it is well formed, else a fresh one."""
    if sent is not None:
        text = sent.decode("latin-1")
        if re.match(r"^[A-Za-z0-9._-]{1,64}$", text):
            return text
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Pure ASGI: sets the id for the whole request and echoes it on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode())
        request_id = accepted_or_new(sent)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        token = _request_id.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


async def forward_request_id(request: httpx.Request) -> None:
    """An httpx request hook: outgoing calls carry the id of the request that made them."""
    request_id = current_request_id()
    if request_id is not None:
        request.headers[REQUEST_ID_HEADER] = request_id
