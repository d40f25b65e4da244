"""The limit as a dependency: routers that include it are limited, the others (health) not."""

import time
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from app.ratelimit.limiter import RateLimiter


def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def client_address(request: Request) -> str:
    """The connection's peer address. Behind a proxy, the server (uvicorn --proxy-headers
    with --forwarded-allow-ips) sets it from X-Forwarded-For, only for trusted proxies."""
    return request.client.host if request.client is not None else "unknown"


async def enforce_rate_limit(request: Request, limiter: RateLimiterDep) -> None:
    decision = await limiter.hit(client_address(request), time.time())
    if decision.is_allowed:
        return
    raise HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        detail=f"too many requests; retry in {decision.retry_after_seconds} s",
        headers={"Retry-After": str(decision.retry_after_seconds)},
    )
