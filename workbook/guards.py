"""What the supervised process watches in learner code, and how it talks to the grader.

Learner code runs in a process of its own (see `supervisor`). There, the few calls that could
silence or mislead the grader are intercepted: `os._exit` and killing its own process are
reported (with the learner's file and line) before they happen, changes to SIGALRM and the
interval timer (the grader's time limit) are refused and reported, and `loop.stop()` on the
grader's event loop is traced. Everything is reported as JSON lines over a pipe.
"""

import asyncio
import json
import os
import signal
import sys
import traceback
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

_KIT_DIR = str(Path(__file__).resolve().parent)
_channel: int | None = None
_root: Path | None = None
tampering: list[str] = []  # what learner code tried against the grader, in its own words
loop_stopped_at: list[str] = []

real_exit = os._exit
_real_kill = os.kill
_real_abort = os.abort
_real_signal = signal.signal
_real_alarm = signal.alarm
_real_setitimer = signal.setitimer
_real_loop_stop = asyncio.BaseEventLoop.stop


def install(channel: int, root: Path) -> None:
    """Start watching (in the supervised process only)."""
    global _channel, _root
    _channel, _root = channel, root
    os._exit = _exit_guard  # type: ignore[assignment]
    os.kill = _kill_guard
    os.abort = _abort_guard
    signal.signal = _signal_guard  # type: ignore[assignment]
    signal.alarm = _alarm_guard
    signal.setitimer = _setitimer_guard
    asyncio.BaseEventLoop.stop = _loop_stop_guard  # type: ignore[method-assign]


def send(kind: str, **data: Any) -> None:
    """One message to the grader; silently nothing outside a supervised process."""
    if _channel is None:
        return
    line = (json.dumps({"kind": kind, **data}, default=str) + "\n").encode()
    while line:
        try:
            written = os.write(_channel, line)
        except OSError:
            return
        line = line[written:]


def phase(text: str) -> None:
    """Tell the grader what the check is doing now, so a kill can say where it hung."""
    send("phase", text=text)


def learner_frame_location(frame: FrameType | None) -> str:
    """`, at app/x.py line N` for the innermost frame of this stack inside the target."""
    if _root is None or frame is None:
        return ""
    for summary in reversed(traceback.extract_stack(frame)):
        path = Path(summary.filename).resolve()
        if path.is_relative_to(_root.resolve()):
            return f", at {path.relative_to(_root.resolve())} line {summary.lineno}"
    return ""


def _caller_is_grader(depth: int = 2) -> bool:
    return sys._getframe(depth).f_code.co_filename.startswith(_KIT_DIR)


def _caller(depth: int = 2) -> FrameType:
    return sys._getframe(depth)


def _exit_guard(code: int) -> NoReturn:
    send("exit", how=f"os._exit({code})", where=learner_frame_location(_caller()))
    real_exit(code)


def _kill_guard(pid: int, sig: int) -> None:
    if pid in (0, os.getpid(), -os.getpgid(0)):
        name = signal.Signals(sig).name if sig in set(signal.Signals) else str(sig)
        how = f"os.kill(own process, {name})"
        send("exit", how=how, where=learner_frame_location(_caller()))
    _real_kill(pid, sig)


def _abort_guard() -> NoReturn:
    send("exit", how="os.abort()", where=learner_frame_location(_caller()))
    _real_abort()


def _refuse(what: str) -> None:
    refused = f"{what}{learner_frame_location(_caller(3))}"
    tampering.append(refused)
    send("tamper", what=refused)


def _signal_guard(signum: int, handler: Any) -> Any:
    if signum == signal.SIGALRM and not _caller_is_grader():
        _refuse("signal.signal(SIGALRM, …)")
        return signal.getsignal(signum)
    return _real_signal(signum, handler)


def _alarm_guard(seconds: int) -> int:
    if not _caller_is_grader():
        _refuse(f"signal.alarm({seconds})")
        return 0
    return _real_alarm(seconds)


def _setitimer_guard(which: int, seconds: float, interval: float = 0.0) -> tuple[float, float]:
    if which == signal.ITIMER_REAL and not _caller_is_grader():
        _refuse(f"signal.setitimer(ITIMER_REAL, {seconds:g})")
        return signal.getitimer(which)
    return _real_setitimer(which, seconds, interval)


def _loop_stop_guard(self: asyncio.BaseEventLoop) -> None:
    where = learner_frame_location(_caller())
    if where:  # asyncio stops its own loops too; only a stop from learner code is news
        loop_stopped_at.append(where)
    _real_loop_stop(self)
