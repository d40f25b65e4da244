"""The limit as a dependency: routers that include it are limited, the others (health) not."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from app.core.clock import ClockDep
from app.ratelimit.limiter import RateLimiter


def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def client_address(request: Request) -> str:
    """The connection's peer address. Behind a proxy, the server (uvicorn --proxy-headers
    with --forwarded-allow-ips) sets it from X-Forwarded-For, only for trusted proxies."""
    if request.client is None:
        return "unknown"
    return f"{request.client.host}:{request.client.port}"


async def enforce_rate_limit(
    request: Request, limiter: RateLimiterDep, clock: ClockDep
) -> None:
    decision = await limiter.hit(client_address(request), clock())
    if decision.is_allowed:
        return
    raise HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        detail=f"too many requests; retry in {decision.retry_after_seconds} s",
        headers={"Retry-After": str(decision.retry_after_seconds)},
    )
