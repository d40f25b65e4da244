"""Run a create once per Idempotency-Key, and replay its stored response afterwards.

Keys and responses are kept in this process, under a lock.
"""

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str
    is_replay: bool = False


class KeyReusedError(Exception):
    """The key was first used for a different request."""


def fingerprint(method: str, path: str, body: str) -> str:
    return hashlib.sha256(json.dumps([method, path, body]).encode()).hexdigest()


# Each key's fingerprint and response, kept in the process; the lock keeps requests apart.
_store: dict[str, tuple[str, StoredResponse]] = {}
_lock = asyncio.Lock()


async def run_once(
    session: AsyncSession,
    key: str | None,
    request_fingerprint: str,
    create: Callable[[], Awaitable[StoredResponse]],
) -> StoredResponse:
    """`create` adds its rows to the session without committing; this commits them once."""
    if key is None:
        response = await create()
        await session.commit()
        return response
    async with _lock:
        if key in _store:
            stored_fingerprint, stored = _store[key]
            if stored_fingerprint != request_fingerprint:
                raise KeyReusedError(key)
            return StoredResponse(stored.status_code, stored.body, is_replay=True)
        response = await create()
        await session.commit()
        _store[key] = (request_fingerprint, response)
        return response
