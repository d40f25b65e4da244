"""Run one check against one target and say how it went, without pytest.

The pytest plugin, the `workbook` command and the kit's self-test all grade through
`run_check`, so a check behaves the same wherever it runs. Each check gets a fresh event
loop, a fresh import of the target's `app`, its own temporary folder and database, and a
time limit enforced by an alarm (so even a busy loop in learner code is interrupted).
"""

import asyncio
import atexit
import contextlib
import enum
import gc
import itertools
import logging
import os
import shutil
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.harness import Blocked, Check, CheckSpec, RuleViolation, StartupFailed
from workbook.lessons import Lesson
from workbook.loader import CheckTimeout, LearnerCodeError, alarm, learner_location, target_on_path
from workbook.targets import Target

if TYPE_CHECKING:
    import asyncpg

POSTGRES_URL_VARIABLE = "WORKBOOK_POSTGRES_URL"
REDIS_URL_VARIABLE = "WORKBOOK_REDIS_URL"
# How a lesson app finds its database: pydantic-settings with the APP_ prefix.
APP_DATABASE_URL_VARIABLE = "APP_DATABASE_URL"
APP_REDIS_URL_VARIABLE = "APP_REDIS_URL"
APP_REDIS_KEY_PREFIX_VARIABLE = "APP_REDIS_KEY_PREFIX"
CLEANUP_SECONDS = 5.0

# Set when a check timed out while learner code held a thread: the process must not wait
# for that thread at exit, so the adapters end it with os._exit once their report is out.
stuck_threads_left_behind = False


class Status(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"  # an expectation did not hold: the rule is not met yet
    ERROR = "error"  # the learner's code could not run, or hung, or the check itself broke
    BLOCKED = "blocked"  # a shape another rule asks for is missing, so this check cannot run


@dataclass(frozen=True)
class Outcome:
    spec: CheckSpec
    target: Target
    backend: str
    status: Status
    violation: RuleViolation | None = None
    error: str = ""
    blocked_by: str = ""  # with BLOCKED: the rule whose missing shape stopped the check
    app_errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


def backends_for(lesson: Lesson) -> tuple[str, ...]:
    """SQLite always; PostgreSQL too when its URL is set and the lesson uses a database."""
    if lesson.uses_database and os.environ.get(POSTGRES_URL_VARIABLE):
        return ("sqlite", "postgresql")
    return ("sqlite",)


def run_check(spec: CheckSpec, target: Target, backend: str = "sqlite") -> Outcome:
    tmp_path = Path(tempfile.mkdtemp(prefix=f"workbook-{target.lesson.number}-"))
    ctx = Check(target=target, tmp_path=tmp_path, backend=backend)
    timeout = spec.timeout or target.lesson.timeout
    started = time.perf_counter()
    # Everything alive now (libraries, earlier checks' survivors) is left out of the
    # collection below, which then only scans what this check allocated: many times faster.
    gc.freeze()
    try:
        with warnings.catch_warnings(record=True) as caught:
            # Learner code's warnings are for the checks to judge (ctx.warnings), not errors.
            warnings.simplefilter("always")
            ctx.warnings = caught
            with (
                target_on_path(target.root),
                _captured_logs(ctx),
                contextlib.chdir(tmp_path),  # files the app writes land in the check's folder
            ):
                status, violation, error, blocked_by = _run_in_fresh_loop(ctx, spec, timeout)
            app_errors = tuple(
                f"{_describe_app_error(ctx, app_error.error)} ({app_error.request_line})"
                for app_error in ctx.app_errors
            )
            if violation is not None:
                if violation.is_plain_assert:
                    violation.request = ctx.last_request  # the best guess at what was sent
                violation.__traceback__ = None  # its frames would keep the app alive
            # Finalize what the check's app leaked while its warnings are still recorded (an
            # undisposed engine's connections own non-daemon threads that block exit).
            ctx.release()
            gc.collect()
    finally:
        ctx.restore_env()
        shutil.rmtree(tmp_path, ignore_errors=True)
    return Outcome(
        spec=spec,
        target=target,
        backend=backend,
        status=status,
        violation=violation,
        error=error,
        blocked_by=blocked_by,
        app_errors=tuple(dict.fromkeys(app_errors)),
        warnings=tuple(
            f"{item.category.__name__}: {item.message} ({item.filename}:{item.lineno})"
            for item in caught
        ),
        seconds=time.perf_counter() - started,
    )


def _run_in_fresh_loop(
    ctx: Check, spec: CheckSpec, timeout: float
) -> tuple[Status, RuleViolation | None, str, str]:
    loop = asyncio.new_event_loop()
    try:
        with alarm(timeout):
            loop.run_until_complete(_with_services(ctx, spec))
    except RuleViolation as violation:
        return Status.FAILED, violation, "", ""
    except AssertionError as assertion:
        plain = RuleViolation(str(assertion) or "the assertion to hold", "it did not")
        plain.is_plain_assert = True
        return Status.FAILED, plain, "", ""
    except Blocked as blocked:
        return Status.BLOCKED, None, blocked.reason, blocked.rule
    except LearnerCodeError as error:
        return Status.ERROR, None, str(error), ""
    except StartupFailed as error:
        where = learner_location(ctx.root, error.cause.__traceback__ if error.cause else None)
        return Status.ERROR, None, f"the app failed to start{where}: {error}", ""
    except CheckTimeout:
        return Status.ERROR, None, _describe_timeout(ctx, timeout), ""
    except BaseException as error:  # noqa: BLE001 - a learner's SystemExit must not end the grader
        return Status.ERROR, None, _describe_crash(ctx, error), ""
    finally:
        _close_loop(loop)
    return Status.PASSED, None, "", ""


async def _with_services(ctx: Check, spec: CheckSpec) -> None:
    async with contextlib.AsyncExitStack() as stack:
        if ctx.lesson.uses_database:
            ctx.database_url = await stack.enter_async_context(_database(ctx))
        else:
            # Never the app's default (a file in the working directory), even by accident.
            ctx.database_url = f"sqlite+aiosqlite:///{ctx.tmp_path / 'unused.db'}"
        ctx.setenv(APP_DATABASE_URL_VARIABLE, ctx.database_url)
        if "redis" in ctx.lesson.services:
            ctx.redis_url = os.environ.get(REDIS_URL_VARIABLE, "")
            ctx.setenv(APP_REDIS_URL_VARIABLE, ctx.redis_url or None)
            ctx.redis_prefix = f"workbook:{os.getpid()}:{next(_check_numbers)}:"
            ctx.setenv(APP_REDIS_KEY_PREFIX_VARIABLE, ctx.redis_prefix)
            if ctx.redis_url:
                stack.push_async_callback(_delete_redis_keys, ctx.redis_url, ctx.redis_prefix)
        await spec.function(ctx)


_check_numbers = itertools.count()


async def _delete_redis_keys(url: str, prefix: str) -> None:
    """Leave nothing behind in a shared Redis: every key the check's app wrote has `prefix`."""
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@contextlib.asynccontextmanager
async def _database(ctx: Check) -> AsyncIterator[str]:
    """An empty database of the check's own: a SQLite file, or a PostgreSQL database."""
    if ctx.backend != "postgresql":
        yield f"sqlite+aiosqlite:///{ctx.tmp_path / 'app.db'}"
        return
    admin_url = os.environ[POSTGRES_URL_VARIABLE]
    name = await _postgres.acquire(admin_url)
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        await _postgres.release(admin_url, name)


def threads_still_running(grace_seconds: float = 1.0) -> bool:
    """After a check timed out: is learner code still holding a non-daemon thread?"""
    if not stuck_threads_left_behind:
        return False
    current = threading.current_thread()
    lingering = [thread for thread in threading.enumerate() if thread is not current]
    lingering = [thread for thread in lingering if not thread.daemon]
    for thread in lingering:
        thread.join(timeout=grace_seconds / max(len(lingering), 1))
    return any(thread.is_alive() for thread in lingering)


def release_resources() -> None:
    """What atexit would do, for a process about to end with os._exit."""
    admin_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if admin_url and _postgres.created:
        _postgres.drop_all(admin_url)


class PostgresDatabases:
    """Empty PostgreSQL databases for checks, reused within one process.

    CREATE DATABASE costs about 0.35 s; emptying a returned database (its connections ended,
    its public schema recreated) costs milliseconds. Databases are dropped at exit; those a
    killed process left behind are dropped by the next process that needs one.
    """

    PREFIX = "workbook_"

    def __init__(self) -> None:
        self.free: list[str] = []
        self.created: list[str] = []

    async def acquire(self, admin_url: str) -> str:
        if self.free:
            return self.free.pop()
        import asyncpg

        admin = await asyncpg.connect(_plain(admin_url))
        try:
            if not self.created:
                await self._drop_orphans(admin)
                atexit.register(self.drop_all, admin_url)
            name = f"{self.PREFIX}{os.getpid()}_{len(self.created)}"
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        self.created.append(name)
        return name

    async def release(self, admin_url: str, name: str) -> None:
        import asyncpg

        admin = await asyncpg.connect(_plain(admin_url))
        try:
            await admin.execute(_END_CONNECTIONS, name)
        finally:
            await admin.close()
        database = await asyncpg.connect(_plain(admin_url).rsplit("/", 1)[0] + "/" + name)
        try:
            await database.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await database.close()
        self.free.append(name)

    def drop_all(self, admin_url: str) -> None:
        async def drop() -> None:
            import asyncpg

            admin = await asyncpg.connect(_plain(admin_url))
            try:
                for name in self.created:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()

        with contextlib.suppress(Exception):
            asyncio.run(drop())

    async def _drop_orphans(self, admin: "asyncpg.Connection") -> None:
        names = await admin.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", self.PREFIX + "%"
        )
        for (name,) in names:
            owner = name.removeprefix(self.PREFIX).split("_", 1)[0]
            if owner.isdigit() and _is_alive(int(owner)):
                continue
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_END_CONNECTIONS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = $1 AND pid <> pg_backend_pid()"
)
_postgres = PostgresDatabases()


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what the check left running, within a bound, then close the loop."""
    global stuck_threads_left_behind
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    try:
        with alarm(CLEANUP_SECONDS):
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
    except BaseException:  # noqa: BLE001 - learner code refusing cancellation is reported, not fatal
        stuck_threads_left_behind = True
    finally:
        loop.close()


@contextlib.contextmanager
def _captured_logs(ctx: Check) -> Iterator[None]:
    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            ctx.logs.append(record)

    handler = Collect(level=logging.NOTSET)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)  # undo ctx.capture_logs_from


def _describe_timeout(ctx: Check, timeout: float) -> str:
    global stuck_threads_left_behind
    stuck_threads_left_behind = True
    waiting_for = ctx.last_request
    request = f" {waiting_for.method} {waiting_for.url.path}" if waiting_for else ""
    return (
        f"the check did not finish within {timeout:g} s: the request{request} never got an "
        "answer. Look for an endless loop, or a wait that never ends, in the handler."
    )


def _describe_crash(ctx: Check, error: BaseException) -> str:
    if isinstance(error, SystemExit):
        where = learner_location(ctx.root, error.__traceback__)
        return f"the app called sys.exit({error.code!r}){where}: a service never exits the process"
    where = learner_location(ctx.root, error.__traceback__)
    if where:
        return f"{type(error).__name__}: {error}{where}"
    # Not in learner code: the check itself broke. Show where, briefly, for maintainers.
    frames = traceback.format_exception(error, limit=-3)
    return "the check could not complete:\n" + "".join(frames).rstrip()


def _describe_app_error(ctx: Check, error: BaseException) -> str:
    where = learner_location(ctx.root, error.__traceback__)
    return f"{type(error).__name__}: {error}{where}"
