"""A read-through cache with a time to live: in memory, or in Redis when configured.

`Cache.get_or_compute` serves a fresh entry, or computes it once however many requests miss
at the same time (the others await the same task), and stores it for `ttl` seconds.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Protocol

from redis.asyncio import Redis


class CacheStore(Protocol):
    async def get(self, key: str, now: float) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl: float, now: float) -> None: ...

    async def delete_prefix(self, prefix: str) -> None: ...


class MemoryStore:
    """Entries in this process, each with the clock time it expires at."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, bytes]] = {}

    async def get(self, key: str, now: float) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if now >= expires_at:
            del self._entries[key]
            return None
        return value

    async def set(self, key: str, value: bytes, ttl: float, now: float) -> None:
        self._entries[key] = (now + ttl, value)

    async def delete_prefix(self, prefix: str) -> None:
        for key in [key for key in self._entries if key.startswith(prefix)]:
            del self._entries[key]


class RedisStore:
    """Entries in Redis under `key_prefix`; Redis itself expires them (PX)."""

    def __init__(self, client: "Redis", key_prefix: str) -> None:
        self._client = client
        self._prefix = key_prefix

    async def get(self, key: str, now: float) -> bytes | None:
        value: bytes | str | None = await self._client.get(self._prefix + key)
        return value.encode() if isinstance(value, str) else value

    async def set(self, key: str, value: bytes, ttl: float, now: float) -> None:
        await self._client.set(self._prefix + key, value, px=max(1, round(ttl * 1000)))

    async def delete_prefix(self, prefix: str) -> None:
        pattern = self._escaped(self._prefix + prefix) + "*"
        keys = [key async for key in self._client.scan_iter(match=pattern, count=500)]
        if keys:
            await self._client.delete(*keys)

    @staticmethod
    def _escaped(text: str) -> str:
        """`text` with Redis glob characters escaped, so a prefix matches only itself."""
        return "".join("\\" + char if char in "*?[]\\" else char for char in text)


class Cache:
    def __init__(self, store: CacheStore, ttl: float) -> None:
        self._store = store
        self._ttl = ttl
        self._in_flight: dict[str, asyncio.Task[bytes]] = {}
        self._writes = 0  # invalidations so far: a computation that overlapped one is not stored

    async def get_or_compute(
        self, key: str, compute: Callable[[], Awaitable[bytes]], now: float
    ) -> bytes:
        running = self._in_flight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        cached = await self._store.get(key, now)
        if cached is not None:
            return cached
        task = asyncio.create_task(self._compute_and_store(key, compute, now))
        self._in_flight[key] = task
        task.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(task)

    async def invalidate(self, prefix: str) -> None:
        self._writes += 1
        for key in [key for key in self._in_flight if key.startswith(prefix)]:
            del self._in_flight[key]  # later readers compute afresh, after the write
        await self._store.delete_prefix(prefix)

    def _forget(self, key: str, done: "asyncio.Task[bytes]") -> None:
        if self._in_flight.get(key) is done:
            del self._in_flight[key]

    async def _compute_and_store(
        self, key: str, compute: Callable[[], Awaitable[bytes]], now: float
    ) -> bytes:
        writes_before = self._writes
        value = await compute()
        if self._writes == writes_before:
            await self._store.set(key, value, self._ttl, now)
        return value


@asynccontextmanager
async def open_cache(redis_url: str, key_prefix: str, ttl: float) -> AsyncIterator[Cache]:
    """A cache for the app's life: Redis when a URL is configured, else this process's memory."""
    if not redis_url:
        yield Cache(MemoryStore(), ttl)
        return
    client = Redis.from_url(redis_url)
    try:
        yield Cache(RedisStore(client, key_prefix), ttl)
    finally:
        await client.aclose()
