"""Password hashing through pwdlib: Argon2id for new hashes, bcrypt still verified.

Hashing is slow on purpose, so it runs in a worker thread and never blocks the event loop.
"""

from dataclasses import dataclass

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher
from starlette.concurrency import run_in_threadpool

from app.core.config import Settings


@dataclass(frozen=True)
class Verdict:
    """The outcome of a password check; `new_hash` is set when the stored one is outdated."""

    is_valid: bool
    new_hash: str | None = None


class Passwords:
    """Hash and verify passwords with the configured parameters."""

    def __init__(self, settings: Settings) -> None:
        # The first hasher makes new hashes; the others only verify (and trigger a rehash).
        self._hasher = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=settings.argon2_time_cost,
                    memory_cost=settings.argon2_memory_cost,
                    parallelism=settings.argon2_parallelism,
                ),
                BcryptHasher(rounds=settings.bcrypt_rounds),
            )
        )
        # Verified when the username is unknown, so that a miss costs as much as a wrong
        # password: response times do not tell which usernames exist.
        self._dummy_hash = self._hasher.hash("a password nobody has")

    async def hash(self, password: str) -> str:
        return await run_in_threadpool(self._hasher.hash, password)

    async def verify(self, password: str, stored_hash: str) -> Verdict:
        """Check in constant time, through the library; say if the hash needs an upgrade."""
        is_valid, new_hash = self._hasher.verify_and_update(password, stored_hash)
        return Verdict(is_valid, new_hash if is_valid else None)

    async def verify_nobody(self, password: str) -> None:
        """Spend the time of a real verification for a username that does not exist."""
        await run_in_threadpool(self._hasher.verify, password, self._dummy_hash)
