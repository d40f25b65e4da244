"""Run one check against one target and say how it went, without pytest.

The pytest plugin, the `workbook` command and the kit's self-test all grade through
`run_check`, so a check behaves the same wherever it runs. Learner code never runs in the
grader's own process: `run_check` hands each check to the supervisor, which forks a process
for it, and that process runs `run_here`: a fresh event loop, a fresh import of the target's
`app`, its own working folder and database, and a time limit enforced by an alarm (so even a
busy loop is interrupted with the learner's file and line).
"""

import asyncio
import contextlib
import gc
import itertools
import logging
import os
import threading
import time
import traceback
import types
import warnings
from collections.abc import Iterator
from pathlib import Path

from workbook import guards
from workbook.databases import POSTGRES_URL_VARIABLE
from workbook.harness import (
    Blocked,
    Check,
    CheckSpec,
    NotApplicable,
    RuleViolation,
    StartupFailed,
)
from workbook.lessons import Lesson
from workbook.loader import (
    CheckTimeout,
    LearnerCodeError,
    alarm,
    learner_location,
    target_on_path,
)
from workbook.outcome import Failure, Outcome, Status
from workbook.targets import Target, TargetKind

__all__ = ["Outcome", "Status", "backends_for", "run_check", "run_here"]

REDIS_URL_VARIABLE = "WORKBOOK_REDIS_URL"
# How a lesson app finds its database: pydantic-settings with the APP_ prefix.
APP_DATABASE_URL_VARIABLE = "APP_DATABASE_URL"
APP_REDIS_URL_VARIABLE = "APP_REDIS_URL"
APP_REDIS_KEY_PREFIX_VARIABLE = "APP_REDIS_KEY_PREFIX"
CLEANUP_SECONDS = 5.0


def backends_for(lesson: Lesson) -> tuple[str, ...]:
    """SQLite always; PostgreSQL too when its URL is set and the lesson uses a database."""
    if lesson.uses_database and os.environ.get(POSTGRES_URL_VARIABLE):
        return ("sqlite", "postgresql")
    return ("sqlite",)


def run_check(spec: CheckSpec, target: Target, backend: str = "sqlite") -> Outcome:
    """Grade one check in a supervised process of its own (see `workbook.supervisor`)."""
    from workbook import supervisor

    return supervisor.run_supervised(spec, target, backend)


def run_here(
    spec: CheckSpec, target: Target, backend: str, *, tmp_path: Path, database_url: str
) -> Outcome:
    """Run the check in this process: only ever inside the supervisor's forked process."""
    ctx = Check(target=target, tmp_path=tmp_path, backend=backend, database_url=database_url)
    ctx.startup_seconds = target.lesson.startup_timeout
    timeout = spec.timeout or target.lesson.timeout
    threads_before = set(threading.enumerate())
    started = time.perf_counter()
    gc.freeze()  # the collection below then scans only what this check allocated
    try:
        with warnings.catch_warnings(record=True) as caught:
            # Learner code's warnings are for the checks to judge (ctx.warnings), not errors.
            warnings.simplefilter("always")
            ctx.warnings = caught
            with (
                target_on_path(target.root),
                _captured_logs(ctx),
                # Files the app writes land in the check's folder; an audited service runs from
                # its own project's root, where its settings and templates are.
                contextlib.chdir(target.root if target.kind is TargetKind.AUDITED else tmp_path),
            ):
                status, failure, error, blocked_by = _run_in_fresh_loop(ctx, spec, timeout)
            bug = _code_bug(ctx) if status is Status.FAILED else ""
            if bug:
                # What the check expected failed because the code does not run as written:
                # say so, instead of what the failure would mean for the rule.
                status, failure, error = Status.ERROR, None, bug
            described = [
                (_describe_app_error(ctx, app_error.error), app_error.request_line)
                for app_error in ctx.app_errors
            ]
            app_errors = tuple(
                f"{text} ({request_line})"
                for text, request_line in described
                if not (bug and bug.startswith(text))  # the bug is the error's own text already
            )
            # Finalize what the check's app leaked while its warnings are still recorded.
            ctx.release()
            gc.collect()
    finally:
        ctx.restore_env()
    return Outcome(
        spec=spec,
        target=target,
        backend=backend,
        status=status,
        failure=failure,
        error=error,
        blocked_by=blocked_by,
        app_errors=tuple(dict.fromkeys(app_errors)),
        warnings=tuple(
            f"{item.category.__name__}: {item.message} ({item.filename}:{item.lineno})"
            for item in caught
        ),
        notes=_stray_threads(ctx, threads_before),
        seconds=time.perf_counter() - started,
        halts=_halts(ctx, status),
        code_bug=bool(bug),
    )


# Exceptions no rule teaches: the code cannot run as written (a typo, a missing import).
CODE_BUGS = (NameError,)


def _code_bug(ctx: Check) -> str:
    """The first exception of `CODE_BUGS` the app raised in the learner's code, described."""
    for app_error in ctx.app_errors:
        error = app_error.error
        if isinstance(error, CODE_BUGS) and learner_location(ctx.root, error.__traceback__):
            return (
                f"{_describe_app_error(ctx, error)}\nwhile answering {app_error.request_line}: "
                "the code uses a name that is not defined there (a typo, or a missing import)"
            )
    return ""


def _halts(ctx: Check, status: Status) -> str:
    if status is not Status.ERROR:
        return ""
    if ctx.hung_in:
        return "the app never started"
    if ctx.code_broken:
        return "the app's code does not import"
    return ""


def _run_in_fresh_loop(
    ctx: Check, spec: CheckSpec, timeout: float
) -> tuple[Status, Failure | None, str, str]:
    loop = asyncio.new_event_loop()
    try:
        with ctx.deadline.overall(timeout):
            loop.run_until_complete(_with_services(ctx, spec))
    except RuleViolation as violation:
        return Status.FAILED, _failure(ctx, violation), "", ""
    except AssertionError as assertion:
        plain = RuleViolation(str(assertion) or "the assertion to hold", "it did not")
        plain.request = ctx.last_request  # the best guess at what was sent
        return Status.FAILED, _failure(ctx, plain), "", ""
    except Blocked as blocked:
        return Status.BLOCKED, None, blocked.reason, blocked.rule
    except NotApplicable as reason:
        return Status.NOT_APPLICABLE, None, str(reason), ""
    except LearnerCodeError as error:
        return Status.ERROR, None, str(error), ""
    except StartupFailed as error:
        where = learner_location(ctx.root, error.cause.__traceback__ if error.cause else None)
        return Status.ERROR, None, f"the app failed to start{where}: {error}", ""
    except CheckTimeout as error:
        if not ctx.hung_in and ctx.phase in ("import", "startup"):
            ctx.hung_in = ctx.phase  # an await that never ended: the step is still marked
        where = learner_location(ctx.root, error.__traceback__) or _suspended_location(ctx)
        return Status.ERROR, None, _describe_timeout(ctx, timeout, where), ""
    except BaseException as error:  # noqa: BLE001 - a learner's SystemExit must not end the grader
        return Status.ERROR, None, _describe_crash(ctx, error), ""
    finally:
        _close_loop(loop)
    return Status.PASSED, None, "", ""


def _failure(ctx: Check, violation: RuleViolation) -> Failure:
    from workbook.harness import describe_request

    sent = describe_request(violation.request) if violation.request is not None else ""
    return Failure(expected=violation.expected, got=violation.got, sent=sent, note=violation.note)


async def _with_services(ctx: Check, spec: CheckSpec) -> None:
    if ctx.target.kind is TargetKind.AUDITED:
        # A team's own service reads its own settings: the audit sets nothing for it.
        ctx.phase = "check"
        await spec.function(ctx)
        return
    async with contextlib.AsyncExitStack() as stack:
        if not ctx.lesson.uses_database or not ctx.database_url:
            # Never the app's default (a file in the working directory), even by accident.
            ctx.database_url = f"sqlite+aiosqlite:///{ctx.tmp_path / 'unused.db'}"
        ctx.setenv(APP_DATABASE_URL_VARIABLE, ctx.database_url)
        # Hypothesis (schemathesis) keeps its example database in the check's folder, never in
        # the lesson's.
        ctx.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(ctx.tmp_path / ".hypothesis"))
        for name, value in ctx.lesson.environment:
            ctx.setenv(name, value)
        if "redis" in ctx.lesson.services:
            ctx.redis_url = os.environ.get(REDIS_URL_VARIABLE, "")
            ctx.setenv(APP_REDIS_URL_VARIABLE, ctx.redis_url or None)
            ctx.redis_prefix = f"workbook:{os.getpid()}:{next(_check_numbers)}:"
            ctx.setenv(APP_REDIS_KEY_PREFIX_VARIABLE, ctx.redis_prefix)
            if ctx.redis_url:
                stack.push_async_callback(_delete_redis_keys, ctx.redis_url, ctx.redis_prefix)
        ctx.phase = "check"
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


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what the check left running, within a bound, then close the loop."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    try:
        with alarm(CLEANUP_SECONDS):
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
    except BaseException:  # noqa: BLE001 - learner code refusing cancellation ends with the process
        pass
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


def _stray_threads(ctx: Check, before: set[threading.Thread]) -> tuple[str, ...]:
    """Threads the learner's code started and left running (named with where they start)."""
    notes = []
    for thread in threading.enumerate():
        if thread in before or not thread.is_alive():
            continue
        target = getattr(thread, "_target", None)
        code = getattr(target, "__code__", None)
        if code is None or not Path(code.co_filename).resolve().is_relative_to(ctx.root.resolve()):
            continue  # a library's worker (a database driver's, say), not the learner's
        where = Path(code.co_filename).resolve().relative_to(ctx.root.resolve())
        notes.append(
            f"the app left a thread running: {thread.name}, started at {where} line "
            f"{code.co_firstlineno}; a service joins or stops its threads on shutdown"
        )
    return tuple(notes)


def _suspended_location(ctx: Check) -> str:
    """Where learner code waits: an await that never ends leaves no frame on the stack the
    alarm interrupted, so look for the learner's suspended coroutines and async generators
    (a lifespan is one) and name the innermost."""
    root = ctx.root.resolve()
    suspended = {}
    for item in gc.get_objects():
        if isinstance(item, types.CoroutineType):
            frame, awaiting = item.cr_frame, item.cr_await
        elif isinstance(item, types.AsyncGeneratorType):
            frame, awaiting = item.ag_frame, item.ag_await
        else:
            continue
        if frame is None or awaiting is None:
            continue
        path = Path(frame.f_code.co_filename).resolve()
        if path.is_relative_to(root):
            suspended[id(item)] = (f", at {path.relative_to(root)} line {frame.f_lineno}", awaiting)
    for where, awaiting in suspended.values():
        if id(awaiting) not in suspended:  # it awaits nothing of the learner's: the innermost
            return where
    return ""


def _describe_timeout(ctx: Check, timeout: float, where: str) -> str:
    tampering = (
        f" (the app also tried to change the grader's time limit: {'; '.join(guards.tampering)})"
        if guards.tampering
        else ""
    )
    if ctx.hung_in == "import":
        return (
            f"importing the app did not finish within the start-up limit{where}: is there an "
            f"endless loop or a blocking call at module level?{tampering}"
        )
    if ctx.hung_in == "startup":
        return (
            f"the app's lifespan did not finish starting{where}, so no request was sent: look "
            f"for an endless loop, or a wait that never ends, before its `yield`.{tampering}"
        )
    waiting_for = ctx.last_request
    request = f" {waiting_for.method} {waiting_for.url.path}" if waiting_for else ""
    return (
        f"the check did not finish within {timeout:g} s: the request{request} never got an "
        f"answer{where}. Look for an endless loop, or a wait that never ends, in the handler."
        f"{tampering}"
    )


def _describe_crash(ctx: Check, error: BaseException) -> str:
    if isinstance(error, SystemExit):
        where = learner_location(ctx.root, error.__traceback__)
        return f"the app called sys.exit({error.code!r}){where}: a service never exits the process"
    if isinstance(error, RuntimeError) and guards.loop_stopped_at:
        return (
            f"the app stopped the event loop it runs on (loop.stop(){guards.loop_stopped_at[0]}): "
            "a service never stops the server's loop"
        )
    where = learner_location(ctx.root, error.__traceback__)
    if where:
        return f"{type(error).__name__}: {error}{where}"
    # Not in learner code: the check itself broke. Show where, briefly, for maintainers.
    frames = traceback.format_exception(error, limit=-3)
    return "the check could not complete:\n" + "".join(frames).rstrip()


def _describe_app_error(ctx: Check, error: BaseException) -> str:
    where = learner_location(ctx.root, error.__traceback__)
    return f"{type(error).__name__}: {error}{where}"
