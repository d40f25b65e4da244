"""Learner code runs under supervision: nothing it does can silence, hang or skew the grader.

Each case breaks a copy of lesson 01's starter the way a hostile-but-ordinary learner might
and grades it: the grader always reports, with its own verdict, in bounded time, and the
grader's process is left as it was.
"""

import dataclasses
import logging
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from workbook.harness import load_checks
from workbook.lessons import find_kit_root, find_lesson
from workbook.outcome import Outcome, Status
from workbook.report import format_outcome
from workbook.runner import run_check
from workbook.targets import Target, TargetKind

KIT_ROOT = find_kit_root(Path(__file__).parent)
LESSON = dataclasses.replace(find_lesson(KIT_ROOT, "01"), timeout=2.0, startup_timeout=2.0)
ROUTER = "app/users/router.py"
MAIN = "app/main.py"
HANDLER_BODY = "    return store.create(payload)\n"
# The check's limit, the hard deadline's margin, and room for a loaded machine.
BOUND_SECONDS = 2.0 + 8.0 + 5.0


def broken_copy(tmp_path: Path, relative: str, old: str, new: str) -> Target:
    shutil.copytree(LESSON.lesson_dir / "app", tmp_path / "app")
    path = tmp_path / relative
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return Target(LESSON, TargetKind.LEARNER, tmp_path)


def handler_doing(tmp_path: Path, body: str) -> Target:
    return broken_copy(tmp_path, ROUTER, HANDLER_BODY, body)


def grade_all(target: Target) -> tuple[list[Outcome], float]:
    started = time.perf_counter()
    outcomes = [run_check(spec, target) for spec in load_checks(LESSON)]
    return outcomes, time.perf_counter() - started


def grade_first(target: Target) -> tuple[Outcome, float]:
    started = time.perf_counter()
    outcome = run_check(load_checks(LESSON)[0], target)
    return outcome, time.perf_counter() - started


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    import os\n    os._exit(3)\n", "the app ended the process (os._exit(3)), at "
         f"{ROUTER} line"),
        ("    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n",
         "the app ended the process (os.kill(own process, SIGKILL)), at"),
        ("    import os\n    os.abort()\n", "the app ended the process (os.abort())"),
    ],
    ids=["os-exit", "kill-self", "abort"],
)
def test_a_handler_that_ends_the_process_is_reported(
    tmp_path: Path, body: str, message: str
) -> None:
    outcome, seconds = grade_first(handler_doing(tmp_path, body))
    assert outcome.status is Status.ERROR
    assert message in outcome.error, outcome.error
    assert "while waiting for POST /users" in outcome.error
    assert seconds < BOUND_SECONDS
    assert "Traceback" not in format_outcome(outcome)


@pytest.mark.parametrize(
    "body",
    [
        "    import signal\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "    while True:\n        pass\n",
        "    import signal\n    signal.alarm(0)\n    while True:\n        pass\n",
        "    import signal\n    signal.setitimer(signal.ITIMER_REAL, 0)\n"
        "    while True:\n        pass\n",
    ],
    ids=["ignore-sigalrm", "alarm-0", "setitimer-0"],
)
def test_a_handler_that_disables_the_time_limit_is_still_stopped(
    tmp_path: Path, body: str
) -> None:
    outcome, seconds = grade_first(handler_doing(tmp_path, body))
    assert outcome.status is Status.ERROR
    assert "tried to change the grader's time limit" in outcome.error, outcome.error
    assert f"{ROUTER} line" in outcome.error
    assert seconds < BOUND_SECONDS


def test_a_handler_that_blocks_the_alarm_is_killed_at_the_hard_deadline(tmp_path: Path) -> None:
    # Past the guards: the C-level signal module ignores the alarm for good.
    body = (
        "    import _signal\n    _signal.signal(_signal.SIGALRM, _signal.SIG_IGN)\n"
        "    while True:\n        pass\n"
    )
    target = broken_copy(tmp_path, ROUTER, "def create_user(", "async def create_user(")
    router = tmp_path / ROUTER
    router.write_text(router.read_text().replace(HANDLER_BODY, body, 1))  # on the main thread
    outcome, seconds = grade_first(target)
    assert outcome.status is Status.ERROR
    assert "its process was stopped while waiting for POST /users" in outcome.error
    assert seconds < BOUND_SECONDS


def test_a_thread_left_running_is_named_and_does_not_hold_the_grader(tmp_path: Path) -> None:
    target = broken_copy(
        tmp_path,
        MAIN,
        "app = create_app()",
        "import threading, time\n\n\ndef spin() -> None:\n    while True:\n"
        "        time.sleep(0.01)\n\n\nthreading.Thread(target=spin).start()\napp = create_app()",
    )
    outcome, seconds = grade_first(target)
    assert any("the app left a thread running" in note for note in outcome.notes)
    assert any(f"{MAIN} line" in note for note in outcome.notes)
    assert seconds < BOUND_SECONDS


def test_an_import_that_never_ends_is_caught_once(tmp_path: Path) -> None:
    target = broken_copy(tmp_path, MAIN, "app = create_app()", "while True:\n    pass")
    outcomes, seconds = grade_all(target)
    first, *rest = outcomes
    assert first.status is Status.ERROR
    assert "importing app.main did not finish" in first.error
    assert f"{MAIN} line" in first.error
    assert all(outcome.status is Status.BLOCKED for outcome in rest)
    assert "never started" in format_outcome(rest[0])
    assert seconds < 10


def test_a_lifespan_that_never_starts_is_caught_once(tmp_path: Path) -> None:
    target = broken_copy(
        tmp_path,
        MAIN,
        "    yield {",
        "    import asyncio\n    await asyncio.Event().wait()\n    yield {",
    )
    outcomes, seconds = grade_all(target)
    first, *rest = outcomes
    assert first.status is Status.ERROR
    assert "lifespan did not finish starting" in first.error, first.error
    assert f"{MAIN} line" in first.error
    assert "no request was sent" in first.error
    assert all(outcome.status is Status.BLOCKED for outcome in rest)
    assert seconds < 10


def test_stopping_the_event_loop_is_reported_plainly(tmp_path: Path) -> None:
    body = "    import asyncio\n    asyncio.get_running_loop().stop()\n    return {}\n"
    target = broken_copy(tmp_path, ROUTER, "def create_user(", "async def create_user(")
    router = tmp_path / ROUTER
    router.write_text(router.read_text().replace(HANDLER_BODY, body, 1))
    outcome, _ = grade_first(target)
    assert outcome.status is Status.ERROR
    assert "the app stopped the event loop it runs on" in outcome.error, outcome.error
    assert f"{ROUTER} line" in outcome.error
    assert "Traceback" not in format_outcome(outcome)


def test_global_side_effects_die_with_the_check(tmp_path: Path) -> None:
    target = broken_copy(
        tmp_path,
        MAIN,
        "app = create_app()",
        "import logging, os, sys\nfrom sqlalchemy import event\nfrom sqlalchemy.engine import "
        "Engine\n\nlogging.disable(logging.CRITICAL)\nos.environ['APP_POISON'] = '1'\n"
        "sys.path.insert(0, '/nowhere')\n\n\n@event.listens_for(Engine, 'connect')\n"
        "def poison(*args: object) -> None:\n    raise RuntimeError('poisoned')\n\n\n"
        "app = create_app()",
    )
    path_before = list(sys.path)
    grade_first(target)
    from sqlalchemy.engine import Engine

    assert logging.root.manager.disable == 0
    assert "APP_POISON" not in os.environ
    assert sys.path == path_before
    assert not getattr(Engine.dispatch, "connect", ())  # no listener of the app survives it


def test_a_syntax_error_is_reported_once_not_once_per_check(tmp_path: Path) -> None:
    target = broken_copy(tmp_path, ROUTER, "def create_user(", "def create_user(:")
    outcomes, _ = grade_all(target)
    first, *rest = outcomes
    assert first.status is Status.ERROR
    assert f"{ROUTER}, line" in first.error
    text = format_outcome(first)
    assert "fix this first" in text
    assert LESSON.rule(first.spec.rule).hint not in text  # no unrelated rule's hint
    assert rest
    assert all(outcome.status is Status.BLOCKED for outcome in rest)
    assert "the app's code does not import" in format_outcome(rest[0])
