"""The limit as a dependency: routers that include it are limited, the others (health) not."""

from typing import Annotated

from fastapi import Depends, Request, status
from fastapi.responses import JSONResponse

from app.core.clock import ClockDep
from app.ratelimit.limiter import RateLimiter


def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def client_address(request: Request) -> str:
    """The connection's peer address. Behind a proxy, the server (uvicorn --proxy-headers
    with --forwarded-allow-ips) sets it from X-Forwarded-For, only for trusted proxies."""
    return request.client.host if request.client is not None else "unknown"


async def enforce_rate_limit(
    request: Request, limiter: RateLimiterDep, clock: ClockDep
) -> None:
    decision = await limiter.hit(client_address(request), clock())
    if decision.is_allowed:
        return
    raise RateLimitExceededError(decision.retry_after_seconds)


class RateLimitExceededError(Exception):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"rate limit exceeded; retry in {retry_after_seconds} s")
        self.retry_after_seconds = retry_after_seconds


async def answer_rate_limit_exceeded(
    request: Request, error: RateLimitExceededError
) -> JSONResponse:
    return JSONResponse(
        {"error": f"Rate limit exceeded: {LIMIT_TEXT}"},
        status_code=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(error.retry_after_seconds)},
    )


LIMIT_TEXT = "too many requests"
