"""Password hashing (lesson 21), in a worker thread."""

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from starlette.concurrency import run_in_threadpool

from app.core.config import Settings


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=settings.argon2_time_cost,
                    memory_cost=settings.argon2_memory_cost,
                    parallelism=settings.argon2_parallelism,
                ),
            )
        )
        self._dummy_hash = self._hasher.hash("a password nobody has")

    async def hash(self, password: str) -> str:
        return await run_in_threadpool(self._hasher.hash, password)

    async def verify(self, password: str, stored_hash: str | None) -> bool:
        """Constant-time verification; an unknown user costs a dummy verification."""
        is_valid = await run_in_threadpool(
            self._hasher.verify, password, stored_hash or self._dummy_hash
        )
        return is_valid and stored_hash is not None
