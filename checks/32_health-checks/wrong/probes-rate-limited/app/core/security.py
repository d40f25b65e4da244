"""API-key authentication and a per-client rate limit, for the business routes only.

Both are dependencies of the routers that need them, not global middleware: the health
probes (app/health) are exempt by construction.
"""

import secrets
import time
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.config import get_settings

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
WINDOW_SECONDS = 60.0


def require_api_key(api_key: Annotated[str | None, Depends(api_key_header)]) -> None:
    expected = get_settings().api_key.get_secret_value()
    if api_key is None or not secrets.compare_digest(api_key, expected):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid X-API-Key header is required",
            headers={"WWW-Authenticate": "APIKey"},
        )


@dataclass
class RateLimiter:
    """A fixed window per client: at most `limit` requests per minute."""

    limit: int
    windows: dict[str, tuple[float, int]] = field(default_factory=dict)

    def is_allowed(self, client: str, now: float) -> bool:
        started, count = self.windows.get(client, (now, 0))
        if now - started >= WINDOW_SECONDS:
            started, count = now, 0
        self.windows[client] = (started, count + 1)
        return count < self.limit


def enforce_rate_limit(request: Request) -> None:
    limiter: RateLimiter = request.state.rate_limiter
    client = request.client.host if request.client else "unknown"
    if not limiter.is_allowed(client, time.monotonic()):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many requests; retry in a minute",
            headers={"Retry-After": str(int(WINDOW_SECONDS))},
        )


class RateLimitMiddleware:
    """Every request counts against its client's limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            limiter: RateLimiter = scope["state"]["rate_limiter"]
            client = scope["client"][0] if scope.get("client") else "unknown"
            if not limiter.is_allowed(client, time.monotonic()):
                response = JSONResponse({"detail": "too many requests"}, status_code=429)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
