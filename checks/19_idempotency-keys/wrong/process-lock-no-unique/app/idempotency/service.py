"""Run a create once per Idempotency-Key, and replay its stored response afterwards.

A lock in the process keeps two requests with one key from both missing the lookup.
"""

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.idempotency.models import IdempotencyRecord

# One lock around lookup-and-create: no two requests can both miss the lookup.
_lock = asyncio.Lock()


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str
    is_replay: bool = False


class KeyReusedError(Exception):
    """The key was first used for a different request."""


def fingerprint(method: str, path: str, body: str) -> str:
    return hashlib.sha256(json.dumps([method, path, body]).encode()).hexdigest()


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
        stored = await find(session, key, request_fingerprint)
        if stored is not None:
            return stored
        response = await create()
        session.add(
            IdempotencyRecord(
                key=key,
                fingerprint=request_fingerprint,
                status_code=response.status_code,
                body=response.body,
            )
        )
        await session.commit()
        return response


async def find(session: AsyncSession, key: str, request_fingerprint: str) -> StoredResponse | None:
    query = select(IdempotencyRecord).where(IdempotencyRecord.key == key)
    record = await session.scalar(query)
    if record is None:
        return None
    if record.fingerprint != request_fingerprint:
        raise KeyReusedError(key)
    return StoredResponse(record.status_code, record.body, is_replay=True)
