"""Learner code runs in a process the grader supervises and can kill.

For every check the grader forks a process (cheap: the libraries the lesson's solution uses are
imported once, before the first fork, and shared copy-on-write). That process runs the check
(`runner.run_here`) with `guards` installed and reports back over a pipe: what it is doing, what
learner code tried against the grader, and the outcome. Whatever the learner's code does, the
grader prints a report and goes on:

- `os._exit`, `os.kill` of its own process, a crash of the interpreter: the process ends, the
  grader says how and (where it can be known) at which file and line;
- a hang the in-process alarm cannot end (the alarm disabled, a C call that never returns):
  the grader kills the process group at a hard deadline;
- threads, global state, monkeypatched libraries, signal handlers: they die with the process,
  so no check and no lesson can change another's grade;
- an app that never starts (import or lifespan hangs): caught within the short start-up limit
  once; the target's remaining checks are reported as blocked by it, not run again.

The check's working folder and PostgreSQL database are owned here, in the grader, and
released after the process ended however it ended: nothing is left behind.
"""

import ast
import contextlib
import faulthandler
import gc
import importlib
import json
import os
import select
import shutil
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workbook import guards, scratch
from workbook.databases import postgres_database
from workbook.harness import CheckSpec
from workbook.lessons import Lesson
from workbook.outcome import Failure, Outcome, Status
from workbook.targets import Target, TargetKind

# Past the check's own limit and the loop's cleanup, the process is killed: its alarm did not
# end it, so something in it refuses to stop.
HARD_DEADLINE_MARGIN_SECONDS = 8.0
# Imported before any fork whatever the lesson, so that even a bare check forks warm.
_COMMON_MODULES = ("fastapi", "fastapi.openapi.utils", "pydantic", "httpx")

# (target root, backend) -> the check that found the app unable to run, and why.
_never_started: dict[tuple[Path, str], tuple[str, str]] = {}


def forget_hangs() -> None:
    """Grade anew (a long-lived grader, such as `workbook watch`, calls this per round)."""
    _never_started.clear()


@dataclass(frozen=True)
class Job:
    """One check to grade against one target on one database backend."""

    spec: CheckSpec
    target: Target
    backend: str = "sqlite"


def run_supervised(spec: CheckSpec, target: Target, backend: str) -> Outcome:
    return next(run_many([Job(spec, target, backend)]))


def run_many(jobs: Iterable[Job], workers: int = 1) -> Iterator[Outcome]:
    """Grade the jobs, up to `workers` processes at a time; outcomes in the order they end."""
    pending = deque(jobs)
    running: list[_Running] = []
    while pending or running:
        while pending and len(running) < workers:
            job = pending.popleft()
            blocked = _blocked_by_a_hang(job)
            if blocked is not None:
                yield blocked
            elif not hasattr(os, "fork"):  # no fork (Windows): graded here, unsupervised
                yield _run_unsupervised(job)
            else:
                running.append(_Running(job))
        if not running:
            continue
        now = time.monotonic()
        wait = max(min(process.deadline for process in running) - now, 0.0)
        readable, _, _ = select.select(running, [], [], min(wait, 1.0))
        for process in list(running):
            is_done = process in readable and process.read()
            if is_done or process.deadline <= time.monotonic():
                running.remove(process)
                yield process.finish(was_killed=not is_done)


def _blocked_by_a_hang(job: Job) -> Outcome | None:
    halted = _never_started.get((job.target.root, job.backend))
    if halted is None:
        return None
    check_name, why = halted
    return Outcome(
        job.spec,
        job.target,
        job.backend,
        Status.BLOCKED,
        error=f"not run: {why} (check `{check_name}` says where; fix that first)",
    )


@contextlib.contextmanager
def _database(lesson: Lesson, backend: str, tmp_path: Path) -> Iterator[str]:
    if not lesson.uses_database or backend == "none":
        yield ""
    elif backend == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"


class _Running:
    """A check's process, from fork to verdict; its folder and database are the grader's."""

    def __init__(self, job: Job) -> None:
        self.job = job
        _warm(job.target.lesson)
        self.limit = (job.spec.timeout or job.target.lesson.timeout) + HARD_DEADLINE_MARGIN_SECONDS
        self.resources = contextlib.ExitStack()
        self.tmp_path = scratch.new_dir(f"{job.target.lesson.number}-check-")
        self.resources.callback(shutil.rmtree, self.tmp_path, ignore_errors=True)
        database_url = self.resources.enter_context(
            _database(job.target.lesson, job.backend, self.tmp_path)
        )
        self.buffer = b""
        self.read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # what exists now is shared with the child, copy-on-write
        self.pid = os.fork()
        if self.pid == 0:  # the supervised process
            os.close(self.read_end)
            _child(job.spec, job.target, job.backend, self.tmp_path, database_url, write_end)
        os.close(write_end)
        self.deadline = time.monotonic() + self.limit

    def fileno(self) -> int:
        return self.read_end

    def read(self) -> bool:
        """Take what the process sent; True once it closed its end (it is ending)."""
        chunk = os.read(self.read_end, 65536)
        self.buffer += chunk
        return not chunk

    def finish(self, *, was_killed: bool) -> Outcome:
        os.close(self.read_end)
        _kill_group(self.pid)  # whatever the check's process started and left behind
        _, wait_status = os.waitpid(self.pid, 0)
        self.resources.close()
        job = self.job
        outcome = _verdict(
            job.spec,
            job.target,
            job.backend,
            _parse(self.buffer),
            wait_status,
            was_killed,
            self.limit,
        )
        if outcome.halts:
            _never_started[(job.target.root, job.backend)] = (job.spec.name, outcome.halts)
        return outcome


def _child(
    spec: CheckSpec,
    target: Target,
    backend: str,
    tmp_path: Path,
    database_url: str,
    channel: int,
) -> None:
    """Run the check, report, and end without running anything the learner left behind."""
    from workbook.runner import run_here

    try:
        os.setpgid(0, 0)  # its own process group: the grader can end all it starts
        faulthandler.disable()  # the grader reports a crash; no interpreter dump on the screen
        if target.kind is TargetKind.AUDITED:
            os.dup2(2, 1)  # the service's own logs go to stderr: stdout is the audit's report
        guards.install(channel, target.root)
        imported_before = set(sys.modules)
        outcome = run_here(spec, target, backend, tmp_path=tmp_path, database_url=database_url)
        guards.send(
            "outcome",
            **_to_wire(outcome),
            tampering=guards.tampering,
            libraries=_libraries_imported_since(imported_before),
        )
    except BaseException:  # noqa: BLE001 - the grader must hear of anything
        guards.send("crash", text=traceback.format_exc(limit=-4))
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        guards.real_exit(0)  # no atexit, no joining the learner's threads


def _parse(buffer: bytes) -> list[dict[str, Any]]:
    messages = []
    for line in buffer.decode("utf-8", "replace").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            message = json.loads(line)
            if isinstance(message, dict):
                messages.append(message)
    return messages


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _verdict(
    spec: CheckSpec,
    target: Target,
    backend: str,
    messages: list[dict[str, Any]],
    wait_status: int,
    was_killed: bool,
    limit: float,
) -> Outcome:
    by_kind: dict[str, dict[str, Any]] = {}
    for message in messages:
        by_kind[message["kind"]] = message  # the last of each kind
    tampering = [t for m in messages if m["kind"] == "tamper" for t in [m.get("what", "")]]
    if "outcome" in by_kind:
        _import_libraries(by_kind["outcome"].get("libraries", []))
        return _from_wire(spec, target, backend, by_kind["outcome"])
    doing = by_kind.get("phase", {}).get("text", "running the check")
    if "exit" in by_kind:
        ended = by_kind["exit"]
        error = (
            f"the app ended the process ({ended.get('how')}){ended.get('where', '')} while "
            f"{doing}: a service never ends its own process, the server does"
        )
    elif was_killed:
        error = (
            f"the check did not finish within {limit:g} s and its process was stopped while "
            f"{doing}"
        )
        if tampering:
            error += f": the app disabled the time limit ({'; '.join(tampering)})"
    elif "crash" in by_kind:
        error = "the check could not complete:\n" + by_kind["crash"].get("text", "")
    else:
        how = _how(wait_status)
        error = f"the process running the check ended unexpectedly ({how}) while {doing}"
    return Outcome(
        spec,
        target,
        backend,
        Status.ERROR,
        error=error,
        halts=(
            "the app never started"
            if was_killed and doing.startswith(("importing", "starting"))
            else ""
        ),
    )


def _how(wait_status: int) -> str:
    if os.WIFSIGNALED(wait_status):
        return f"killed by {signal.Signals(os.WTERMSIG(wait_status)).name}"
    return f"exit status {os.WEXITSTATUS(wait_status)}"


def _to_wire(outcome: Outcome) -> dict[str, Any]:
    return {
        "status": outcome.status.value,
        "failure": asdict(outcome.failure) if outcome.failure is not None else None,
        "error": outcome.error,
        "blocked_by": outcome.blocked_by,
        "app_errors": list(outcome.app_errors),
        "warnings": list(outcome.warnings),
        "notes": list(outcome.notes),
        "seconds": outcome.seconds,
        "halts": outcome.halts,
        "code_bug": outcome.code_bug,
    }


def _from_wire(spec: CheckSpec, target: Target, backend: str, data: dict[str, Any]) -> Outcome:
    failure = data.get("failure")
    notes = list(data.get("notes", []))
    tampering = data.get("tampering") or []
    if tampering and data["status"] != Status.ERROR.value:
        notes.append(f"the app tried to change the grader's time limit: {'; '.join(tampering)}")
    return Outcome(
        spec,
        target,
        backend,
        Status(data["status"]),
        failure=Failure(**failure) if failure else None,
        error=data.get("error", ""),
        blocked_by=data.get("blocked_by", ""),
        app_errors=tuple(data.get("app_errors", ())),
        warnings=tuple(data.get("warnings", ())),
        notes=tuple(notes),
        seconds=float(data.get("seconds", 0.0)),
        halts=str(data.get("halts", "")),
        code_bug=bool(data.get("code_bug", False)),
    )


def _run_unsupervised(job: Job) -> Outcome:
    from workbook.runner import run_here

    tmp_path = scratch.new_dir(f"{job.target.lesson.number}-check-")
    try:
        with _database(job.target.lesson, job.backend, tmp_path) as url:
            return run_here(job.spec, job.target, job.backend, tmp_path=tmp_path, database_url=url)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


_LIBRARY_ROOTS = tuple(
    str(Path(path).resolve()) for path in {sys.prefix, sys.base_prefix, sys.exec_prefix}
)


def _libraries_imported_since(before: set[str]) -> list[str]:
    """Installed or standard-library modules the check's process imported (never app code)."""
    names = []
    for name in set(sys.modules) - before:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and str(Path(file).resolve()).startswith(_LIBRARY_ROOTS):
            names.append(name)
    return names


def _import_libraries(names: list[str]) -> None:
    """Import in the grader what the last check's process had to import (libraries only, so
    the next fork starts warm): the lazily loaded parts of FastAPI, Pydantic, the drivers."""
    for name in names:
        if name in sys.modules or name.startswith("app"):
            continue
        with contextlib.suppress(Exception):
            importlib.import_module(name)


@cache
def _warm(lesson: Lesson) -> None:
    """Import, once, the libraries the lesson's solution uses (never learner code)."""
    for name in (*_COMMON_MODULES, *_solution_imports(lesson)):
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def _solution_imports(lesson: Lesson) -> list[str]:
    names: set[str] = set()
    for path in lesson.solution_dir.rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return sorted(name for name in names if name.split(".")[0] not in ("app", "__future__"))
