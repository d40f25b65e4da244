"""Empty PostgreSQL databases for checks, owned by the grader's process (never the learner's).

CREATE DATABASE costs about 0.35 s; emptying a returned database (its connections ended, its
public schema recreated) costs milliseconds, so databases are reused within one grader process.
The supervisor acquires one before it starts a check's process and releases it after that
process ended, however it ended. Databases are dropped at exit; those a killed grader left
behind are dropped by the next grader that needs one.
"""

import asyncio
import atexit
import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from workbook.scratch import is_alive

if TYPE_CHECKING:
    import asyncpg

POSTGRES_URL_VARIABLE = "WORKBOOK_POSTGRES_URL"
PREFIX = "workbook_"

_END_CONNECTIONS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = $1 AND pid <> pg_backend_pid()"
)


class PostgresDatabases:
    def __init__(self) -> None:
        self.free: list[str] = []
        self.created: list[str] = []
        self.owner = os.getpid()

    async def acquire(self, admin_url: str) -> str:
        if self.free:
            return self.free.pop()
        import asyncpg

        admin = await asyncpg.connect(plain(admin_url))
        try:
            if not self.created:
                await self._drop_orphans(admin)
                atexit.register(self.drop_all, admin_url)
            name = f"{PREFIX}{os.getpid()}_{len(self.created)}"
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        self.created.append(name)
        return name

    async def release(self, admin_url: str, name: str) -> None:
        import asyncpg

        admin = await asyncpg.connect(plain(admin_url))
        try:
            await admin.execute(_END_CONNECTIONS, name)
        finally:
            await admin.close()
        database = await asyncpg.connect(database_url(admin_url, name, driver=False))
        try:
            await database.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await database.close()
        self.free.append(name)

    def drop_all(self, admin_url: str) -> None:
        if os.getpid() != self.owner or not self.created:
            return

        async def drop() -> None:
            import asyncpg

            admin = await asyncpg.connect(plain(admin_url))
            try:
                for name in self.created:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()

        with contextlib.suppress(Exception):
            asyncio.run(drop())
        self.created.clear()
        self.free.clear()

    async def _drop_orphans(self, admin: "asyncpg.Connection") -> None:
        names = await admin.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", PREFIX + "%"
        )
        for (name,) in names:
            owner = name.removeprefix(PREFIX).split("_", 1)[0]
            if owner.isdigit() and is_alive(int(owner)):
                continue
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_pool = PostgresDatabases()


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def database_url(admin_url: str, name: str, *, driver: bool = True) -> str:
    url = admin_url if driver else plain(admin_url)
    return url.rsplit("/", 1)[0] + "/" + name


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """An empty PostgreSQL database's URL for one check, returned to the pool afterwards."""
    admin_url = os.environ[POSTGRES_URL_VARIABLE]
    name = asyncio.run(_pool.acquire(admin_url))
    try:
        yield database_url(admin_url, name)
    finally:
        asyncio.run(_pool.release(admin_url, name))


def drop_all() -> None:
    admin_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if admin_url:
        _pool.drop_all(admin_url)
