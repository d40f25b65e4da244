"""The readiness probe of the database: one row read, within a time budget.

The read runs in a task of its own and the probe waits for it at most `budget_seconds`.
A read that overruns is abandoned, not cancelled and awaited: a driver blocked in a thread
(aiosqlite waiting on a lock) would make the cancellation itself wait. While it is still
running, later probes wait on the same read instead of starting another, so a hung database
never piles up connections.
"""

import asyncio
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.tasks.models import Task

logger = logging.getLogger(__name__)
# An orchestrator's probe gives up after a second, so the readiness read does too.
READINESS_TIMEOUT_SECONDS = 1.0


class DatabaseProbe:
    def __init__(self, engine: AsyncEngine, budget_seconds: float) -> None:
        self._engine = engine
        self._budget_seconds = budget_seconds
        self._read: asyncio.Task[None] | None = None

    async def is_ready(self) -> bool:
        if self._read is None or self._read.done():
            self._read = asyncio.create_task(self._read_one_row())
        done, _ = await asyncio.wait({self._read}, timeout=READINESS_TIMEOUT_SECONDS)
        if not done:
            logger.warning("readiness: no answer in %.1f s", READINESS_TIMEOUT_SECONDS)
            return False
        error = self._read.exception()
        if error is not None:
            logger.warning("readiness: the database failed: %s", type(error).__name__)
            return False
        return True

    async def close(self) -> None:
        """At shutdown: stop a read still waiting, without waiting longer than the budget."""
        if self._read is not None and not self._read.done():
            self._read.cancel()
            await asyncio.wait({self._read}, timeout=self._budget_seconds)

    async def _read_one_row(self) -> None:
        # A real table, not `SELECT 1`: SQLite answers that without opening the file.
        async with self._engine.connect() as connection:
            await connection.execute(select(Task.id).limit(1))
