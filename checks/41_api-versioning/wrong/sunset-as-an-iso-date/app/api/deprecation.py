"""Deprecation (RFC 9745) and Sunset (RFC 8594) headers on every answer of a retired version."""

from datetime import UTC, datetime
from email.utils import format_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

V1_DEPRECATED_AT = datetime(2026, 11, 1, tzinfo=UTC)
V1_SUNSET_AT = datetime(2027, 6, 30, tzinfo=UTC)


def deprecation_value(moment: datetime) -> str:
    """RFC 9745: a structured-field date, `@` and the Unix time in seconds."""
    return f"@{int(moment.timestamp())}"


def sunset_value(moment: datetime) -> str:
    """RFC 8594: an HTTP-date (IMF-fixdate), `Wed, 30 Jun 2027 00:00:00 GMT`."""
    return moment.date().isoformat()


class DeprecationHeaders:
    """ASGI middleware: every answer under `prefix` carries the headers, errors included."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        prefix: str,
        deprecated_at: datetime,
        sunset_at: datetime,
        successor: str,
    ) -> None:
        self.app = app
        self.prefix = prefix
        self.headers = [
            (b"deprecation", deprecation_value(deprecated_at).encode()),
            (b"sunset", sunset_value(sunset_at).encode()),
            (b"link", f'<{successor}>; rel="successor-version"'.encode()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        is_retired = path == self.prefix or path.startswith(self.prefix + "/")
        if scope["type"] != "http" or not is_retired:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
