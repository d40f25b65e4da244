"""Checks for lesson 43: the learner writes the tests; the kit grades them.

The learner's `tests/` run in a subprocess of their own (their own pytest configuration,
pytest-asyncio in auto mode, a time limit) against the kit's correct app and against each
kept mutant: a copy of the app with one realistic bug (`mutants/<name>/`). A good suite
passes on the correct app and fails on every mutant. A probe plugin (`probe.py`) watches the
run on the correct app: how the tests reach the app, whether the lifespan runs and the
database dependency is overridden, which databases each test uses.
"""

import asyncio
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbook.harness import Blocked, Check, check, expect

HERE = Path(__file__).parent
MUTANTS = HERE / "mutants"
PROBE = HERE / "probe.py"
SUITE_SECONDS = 180
PYTEST_INI = """[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
asyncio_default_test_loop_scope = function
"""
PLUGINS_OFF = ("no:cacheprovider", "no:workbook", "no:schemathesis", "no:hypothesispytest",
               "no:nbval")


@dataclass(frozen=True)
class SuiteRun:
    returncode: int
    output: str
    probe: dict[str, dict[str, Any]]

    @property
    def is_passed(self) -> bool:
        return self.returncode == 0

    def summary(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        return "\n".join(lines[-12:]) or "(no output)"


_RUNS: dict[tuple[str, str], SuiteRun] = {}


def suite_folder(ctx: Check) -> Path:
    tests = ctx.root / "tests"
    if not any(tests.glob("**/test_*.py")):
        raise Blocked("43.1", "there is no tests/test_*.py beside app/")
    return tests


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


async def run_suite(ctx: Check, mutant: str = "") -> SuiteRun:
    """The learner's tests against the kit's correct app, or against one mutant of it."""
    tests = suite_folder(ctx)
    key = (fingerprint(tests), mutant)
    if key not in _RUNS:
        _RUNS[key] = await _run(ctx, tests, mutant)
    return _RUNS[key]


async def _run(ctx: Check, tests: Path, mutant: str) -> SuiteRun:
    # The same kind of name for every run: nothing tells the suite which app it is testing.
    workdir = Path(tempfile.mkdtemp(prefix="suite-", dir=ctx.tmp_path))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    shutil.copytree(ctx.lesson.solution_dir / "app", workdir / "app", ignore=ignore)
    if mutant:
        shutil.copytree(MUTANTS / mutant / "app", workdir / "app", dirs_exist_ok=True)
    shutil.copytree(tests, workdir / "tests", ignore=ignore)
    shutil.copy(PROBE, workdir / "_workbook_probe.py")
    (workdir / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
    probe_out = workdir / "probe.json"
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("APP_", "PYTEST_", "WORKBOOK_"))
    }
    env.update(
        {
            "PYTHONPATH": str(workdir),
            "PYTHONDONTWRITEBYTECODE": "1",
            "WORKBOOK_PROBE_OUT": str(probe_out),
            "APP_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'app-default.db'}",
        }
    )
    command = [sys.executable, "-m", "pytest", "-c", str(workdir / "pytest.ini"),
               "--rootdir", str(workdir), "-p", "asyncio", "-p", "_workbook_probe",
               "-q", "--no-header", "-rfE", "--tb=line", "tests"]
    for plugin in PLUGINS_OFF:
        command[3:3] = ["-p", plugin]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=workdir, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, start_new_session=True,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=SUITE_SECONDS)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        return SuiteRun(-1, f"the suite ran longer than {SUITE_SECONDS} seconds", {})
    probe: dict[str, dict[str, Any]] = {}
    if probe_out.is_file():
        probe = json.loads(probe_out.read_text(encoding="utf-8"))
    return SuiteRun(process.returncode or 0, output.decode("utf-8", "replace"), probe)


async def passing_run(ctx: Check) -> SuiteRun:
    run = await run_suite(ctx)
    if not run.is_passed:
        raise Blocked("43.4", "the suite does not pass on the correct app:\n" + run.summary())
    return run


def tests_with_requests(run: SuiteRun) -> dict[str, dict[str, Any]]:
    return {
        name: entry
        for name, entry in run.probe.items()
        if entry.get("asgi_requests", 0) + entry.get("testclient_requests", 0) > 0
    }


def mutant_bug(name: str) -> str:
    data = tomllib.loads((MUTANTS / name / "mutant.toml").read_text(encoding="utf-8"))
    return str(data["bug"])


# --- 43.1 -----------------------------------------------------------------------------------


@check("43.1")
async def tests_use_an_async_client_over_asgi_with_the_lifespan(ctx: Check) -> None:
    """Every test that calls the app is async, on httpx over ASGITransport, lifespan running."""
    run = await passing_run(ctx)
    calling = tests_with_requests(run)
    expect(bool(calling), expected="tests that send requests to the app", got="none did")
    problems: list[str] = []
    for name, entry in sorted(run.probe.items()):
        starts, shutdowns = entry.get("lifespan_starts", 0), entry.get("lifespan_shutdowns", 0)
        if starts > shutdowns:
            times = f"{starts} times, shut down {shutdowns}" if shutdowns else "and never shut down"
            problems.append(
                f"{name}: the app's lifespan was started {times} (entered without "
                "`async with`, or never exited)"
            )
        if name not in calling:
            continue
        if entry.get("testclient_requests"):
            problems.append(f"{name}: {entry['testclient_requests']} request(s) via TestClient")
        if not entry.get("is_async"):
            problems.append(f"{name}: a sync test (def, not async def)")
        if entry.get("requests_without_lifespan") and starts <= shutdowns:
            problems.append(
                f"{name}: {entry['requests_without_lifespan']} request(s) while the app's "
                "lifespan was not running"
            )
    expect(
        not problems,
        expected="async tests (pytest-asyncio) that talk to the app through "
        "httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) inside the app's lifespan, "
        "entered and exited with `async with app.router.lifespan_context(app):` (or "
        "`async with lifespan(app):`)",
        got="\n".join(problems[:12]),
    )


# --- 43.2 -----------------------------------------------------------------------------------


@check("43.2")
async def tests_override_the_session_dependency(ctx: Check) -> None:
    """Every request a test sends runs with app.db.get_session replaced by dependency_overrides."""
    run = await passing_run(ctx)
    calling = tests_with_requests(run)
    expect(bool(calling), expected="tests that send requests to the app", got="none did")
    missing = [
        f"{name}: {entry['requests_without_override']} request(s) on the app's own session"
        for name, entry in sorted(calling.items())
        if entry.get("requests_without_override")
    ]
    expect(
        not missing,
        expected="app.dependency_overrides[get_session] set for every request, so the test "
        "decides which database the app uses (a patch of the module attribute does not reach "
        "FastAPI, which holds the function itself)",
        got="\n".join(missing[:12]),
    )


def requests_on_overrides(run: SuiteRun) -> dict[str, dict[str, Any]]:
    calling = tests_with_requests(run)
    if any(entry.get("requests_without_override") for entry in calling.values()):
        raise Blocked("43.2", "the tests send requests on the app's own session")
    return calling


@check("43.2")
async def the_override_closes_its_sessions(ctx: Check) -> None:
    """Every session the override hands to a request is closed once the request is over."""
    run = await passing_run(ctx)
    unclosed = [
        f"{name}: {entry['unclosed_sessions']} session(s) made for a request and never closed"
        for name, entry in sorted(requests_on_overrides(run).items())
        if entry.get("unclosed_sessions")
    ]
    expect(
        not unclosed,
        expected="the override is a generator that yields a session and closes it after the "
        "request (`async with sessions() as session: yield session`)",
        got="\n".join(unclosed[:12]),
        note="a function that returns a session never closes it: its connection stays "
        "checked out until the garbage collector finds it",
    )


@check("43.2")
async def the_overrides_are_cleared_after_each_test(ctx: Check) -> None:
    """No test leaves app.dependency_overrides[get_session] behind after its teardown."""
    run = await passing_run(ctx)
    requests_on_overrides(run)
    left = sorted(name for name, entry in run.probe.items()
                  if entry.get("override_left_after_teardown"))
    expect(
        not left,
        expected="app.dependency_overrides cleared in the fixture's teardown (after the yield, "
        "in a `finally:`), so no override outlives its test",
        got=f"the override of get_session was still in place after the teardown of "
        f"{len(left)} test(s): {', '.join(left[:3])}" + (", ..." if len(left) > 3 else ""),
    )


# --- 43.3 -----------------------------------------------------------------------------------

DEFAULT_DATABASE = "app-default.db"


def database_label(label: str) -> str:
    short = re.sub(r":////.*/([^/]+)$", r":///…/\1", label)
    if short.endswith("/" + DEFAULT_DATABASE):
        short += " (APP_DATABASE_URL, the lifespan's database: point it into tmp_path too)"
    return short


@check("43.3")
async def every_test_gets_its_own_database(ctx: Check) -> None:
    """No two tests touch the same database (a file, or one engine's in-memory database)."""
    run = await passing_run(ctx)
    calling = requests_on_overrides(run)
    owners: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for name, entry in calling.items():
        for identity, label in entry.get("databases", []):
            owners.setdefault(identity, []).append(name)
            labels[identity] = label
    shared = {
        database_label(labels[identity]): names
        for identity, names in owners.items()
        if len(set(names)) > 1
    }
    expect(
        not shared,
        expected="a database of its own for every test (a fresh engine on a file under "
        "tmp_path, or a fresh in-memory engine), so tests pass in any order and in parallel",
        got="\n".join(
            f"{db}: shared by {len(set(names))} tests ({', '.join(sorted(set(names))[:3])}, ...)"
            for db, names in shared.items()
        ),
    )


@check("43.3")
async def every_test_disposes_its_engine(ctx: Check) -> None:
    """The engine a test's requests ran on is disposed once the test is over."""
    run = await passing_run(ctx)
    calling = requests_on_overrides(run)
    users: dict[int, set[str]] = {}
    for name, entry in calling.items():
        for serial in entry.get("request_pools", []):
            users.setdefault(serial, set()).add(name)
    undisposed = sorted(
        name
        for name, entry in calling.items()
        # An engine shared by several tests is every_test_gets_its_own_database's business.
        if any(users[serial] == {name} for serial in entry.get("undisposed_pools", []))
    )
    expect(
        not undisposed,
        expected="`await engine.dispose()` in the fixture's teardown, for the engine the "
        "test made",
        got=f"{len(undisposed)} test(s) left their engine open (its connections too): "
        + ", ".join(undisposed[:3]) + (", ..." if len(undisposed) > 3 else ""),
    )


# --- 43.4 -----------------------------------------------------------------------------------


@check("43.4", baseline=True)
async def the_suite_passes_on_the_correct_app(ctx: Check) -> None:
    """The tests pass against the kit's correct app (with pytest-asyncio, in their own run)."""
    run = await run_suite(ctx)
    expect(run.is_passed, expected="every test to pass on the correct app",
           got=f"exit code {run.returncode}\n{run.summary()}")


@check("43.4")
async def the_suite_kills_every_mutant(ctx: Check) -> None:
    """The tests fail on every mutant: the app with one realistic bug planted."""
    await passing_run(ctx)
    names = sorted(path.name for path in MUTANTS.iterdir() if (path / "mutant.toml").is_file())
    survivors: list[str] = []
    for name in names:
        run = await run_suite(ctx, name)
        if run.is_passed:
            survivors.append(f"{name}: {mutant_bug(name)}")
    expect(
        not survivors,
        expected=f"the suite to fail on each of the {len(names)} mutants",
        got=f"{len(survivors)} survived (the suite passed with the bug in place):\n"
        + "\n".join(survivors),
        note="assert what the contract promises: exact statuses, refused inputs, the exact "
        "set of fields, which items a page holds, a clean database in every test",
    )
