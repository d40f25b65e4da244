"""Run a create once per Idempotency-Key, and replay its stored response afterwards.

The created rows and the key's record are written in one transaction, and the key is unique in
the database: of two concurrent requests with one key, one commits and the other's commit
fails (IntegrityError), rolls back everything it wrote and replays the winner's response.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.idempotency.models import IdempotencyRecord


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
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()  # a concurrent request with this key won: drop our rows
        raise HTTPException(409, detail="a request with this Idempotency-Key is in progress") from None
    return response


async def find(session: AsyncSession, key: str, request_fingerprint: str) -> StoredResponse | None:
    query = select(IdempotencyRecord).where(IdempotencyRecord.key == key)
    record = await session.scalar(query)
    if record is None:
        return None
    if record.fingerprint != request_fingerprint:
        raise KeyReusedError(key)
    return StoredResponse(record.status_code, record.body, is_replay=True)
