"""Where request counts live: behind one interface, in memory or in Redis."""

from dataclasses import dataclass, field
from typing import Protocol

from redis.asyncio import Redis


class CounterStore(Protocol):
    async def increment(self, key: str, *, now: float, ttl_seconds: int) -> int:
        """Add one to counter `key` and return its new value, in one atomic step.

        The counter may be forgotten `ttl_seconds` after `now`.
        """
        ...

    async def decrement(self, key: str) -> None: ...

    async def close(self) -> None: ...


@dataclass
class MemoryCounterStore:
    """Counts for one process: right for a single worker, and for tests.

    Expired counters are swept out as the clock moves on, at most once per window: the store
    holds the clients of about the latest window, not every client it has ever seen.
    """

    counters: dict[str, tuple[int, float]] = field(default_factory=dict)
    next_sweep: float = 0.0

    async def increment(self, key: str, *, now: float, ttl_seconds: int) -> int:
        # No await between reading and writing: no other request runs in between.
        if now >= self.next_sweep:
            self.forget_expired(now)
            self.next_sweep = now + ttl_seconds
        count, expires_at = self.counters.get(key, (0, now + ttl_seconds))
        if expires_at <= now:
            count, expires_at = 0, now + ttl_seconds
        self.counters[key] = (count + 1, expires_at)
        return count + 1

    async def decrement(self, key: str) -> None:
        if key in self.counters:
            count, expires_at = self.counters[key]
            self.counters[key] = (count - 1, expires_at)

    def forget_expired(self, now: float) -> None:
        self.counters = {
            key: value for key, value in self.counters.items() if value[1] > now
        }

    async def close(self) -> None:
        self.counters.clear()


class RedisCounterStore:
    """Counts shared by every worker: INCR is atomic in Redis, whoever sends it."""

    def __init__(self, redis: Redis, key_prefix: str) -> None:
        self.redis = redis
        self.key_prefix = key_prefix

    async def increment(self, key: str, *, now: float, ttl_seconds: int) -> int:
        full_key = self.key_prefix + key
        async with self.redis.pipeline(transaction=True) as pipeline:
            pipeline.incr(full_key)
            pipeline.expire(full_key, ttl_seconds)
            count, _ = await pipeline.execute()
        return int(count)

    async def decrement(self, key: str) -> None:
        await self.redis.decr(self.key_prefix + key)

    async def close(self) -> None:
        await self.redis.aclose()
