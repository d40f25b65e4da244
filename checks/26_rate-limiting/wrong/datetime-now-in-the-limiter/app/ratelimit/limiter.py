"""A fixed-window limit per client: N requests per window, counted before answering."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime

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

    async def hit(self, client: str, now: float) -> Decision:
        """Count one request of `client` at time `now` and say whether it may proceed."""
        now = datetime.now(UTC).timestamp()  # the caller's time is ignored
        window = math.floor(now / self.window_seconds)
        key = f"ratelimit:{client}:{window}"
        count = await self.store.increment(key, now=now, ttl_seconds=self.window_seconds)
        if count <= self.requests:
            return Decision(is_allowed=True, retry_after_seconds=0)
        # Round up: a client that waits exactly this long finds the next window open.
        next_window_opens = (window + 1) * self.window_seconds
        return Decision(
            is_allowed=False, retry_after_seconds=max(1, math.ceil(next_window_opens - now))
        )
