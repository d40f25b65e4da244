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

    async def close(self) -> None: ...


@dataclass
class MemoryCounterStore:
    """Counts for one process: right for a single worker, and for tests."""

    counters: dict[str, tuple[int, float]] = field(default_factory=dict)

    async def increment(self, key: str, *, now: float, ttl_seconds: int) -> int:
        # No await between reading and writing: no other request runs in between.
        if key in self.counters and self.counters[key][1] <= now:
            # Expired: forgotten when it is read, as Redis does with an expired key.
            del self.counters[key]
        count, expires_at = self.counters.get(key, (0, now + ttl_seconds))
        self.counters[key] = (count + 1, expires_at)
        return count + 1

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

    async def close(self) -> None:
        await self.redis.aclose()
