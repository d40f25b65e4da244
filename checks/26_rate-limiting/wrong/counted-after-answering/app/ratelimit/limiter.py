"""A fixed-window limit per client: N requests per window, counted before answering."""

import math
from dataclasses import dataclass

from app.ratelimit.store import CounterStore


@dataclass(frozen=True)
class Decision:
    is_allowed: bool
    retry_after_seconds: int  # when refused: whole seconds until the next window opens


@dataclass(frozen=True)
class RateLimiter:
    store: CounterStore
    requests: int
    window_seconds: int

    def key(self, client: str, now: float) -> str:
        return f"ratelimit:{client}:{math.floor(now / self.window_seconds)}"

    async def check(self, client: str, now: float) -> Decision:
        """Whether `client` is still under its limit at `now`."""
        count = await self.store.count(self.key(client, now), now=now)
        if count < self.requests:
            return Decision(is_allowed=True, retry_after_seconds=0)
        next_window_opens = (math.floor(now / self.window_seconds) + 1) * self.window_seconds
        return Decision(
            is_allowed=False, retry_after_seconds=max(1, math.ceil(next_window_opens - now))
        )

    async def record(self, client: str, now: float) -> None:
        """Count one request of `client`: done once it has been answered."""
        key = self.key(client, now)
        await self.store.increment(key, now=now, ttl_seconds=self.window_seconds)
