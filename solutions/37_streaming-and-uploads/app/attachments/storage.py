"""Uploads written to disk chunk by chunk, under a temporary name until they are complete."""

import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import anyio


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    sha256: str


async def store_stream(directory: Path, chunks: AsyncIterator[bytes]) -> StoredFile:
    """Write `chunks` to `directory` and return the stored file.

    Only one chunk is in memory at a time. The bytes go to a hidden `.part` file that becomes
    the stored file only once the stream is complete; if the stream fails (the body limit's
    413, a client that disconnects, a cancelled request), the part file is deleted.
    """
    name = uuid.uuid4().hex
    part = directory / f".{name}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        async with await anyio.open_file(part, "wb") as file:
            async for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                await file.write(chunk)
        await anyio.Path(part).rename(directory / name)
    except BaseException:
        await discard(directory, part.name)
        raise
    return StoredFile(name, size, digest.hexdigest())


async def discard(directory: Path, name: str) -> None:
    """Delete a stored or part file, even while the request is being cancelled: a cancelled
    scope would cancel the deletion too, so it runs shielded."""
    with anyio.CancelScope(shield=True):
        await anyio.Path(directory / name).unlink(missing_ok=True)
