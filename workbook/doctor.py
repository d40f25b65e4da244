"""`workbook doctor`: is this machine ready for a session? Says what to fix, line by line.

Run on every laptop the day before a team session: Python, the kit's environment and packages,
the grader itself (one real check, supervised), and PostgreSQL and Redis where they are set.
"""

import importlib.metadata
import os
import re
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from packaging.markers import Marker

Finding = tuple[bool, str, str]
# `name==version`, then an environment marker where the lock has one, then the line's `\`.
_PIN = re.compile(
    r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)(?:\s*;\s*([^\\\n]+?))?\s*\\?$", re.MULTILINE
)

MINIMUM = (3, 11)
DOCS_MINIMUM = (3, 11, 5)


def check_python(kit_root: Path) -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] < MINIMUM:
        return False, f"Python {version}", "install Python 3.11 or newer, then ./setup.sh"
    note = "" if sys.version_info[:3] >= DOCS_MINIMUM else " (the docs tools need 3.11.5)"
    return True, f"Python {version}{note}", ""


def check_environment(kit_root: Path) -> Finding:
    expected = (kit_root / ".venv").resolve()
    if Path(sys.prefix).resolve() == expected:
        return True, f"the kit's environment ({expected})", ""
    return (
        False,
        f"this Python ({sys.prefix}) is not the kit's environment",
        "run ./setup.sh, then `. .venv/bin/activate` (or call .venv/bin/workbook)",
    )


def check_packages(kit_root: Path) -> Finding:
    lock = kit_root / "requirements" / "main.lock"
    try:
        text = lock.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False, "requirements/main.lock is missing", "download the kit again"
    pins = [
        (name, version)
        for name, version, marker in _PIN.findall(text)
        if not marker or Marker(marker).evaluate()  # e.g. only below Python 3.11.3
    ]
    wrong = []
    for name, version in pins:
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            wrong.append(f"{name} missing")
            continue
        if installed != version:
            wrong.append(f"{name} {installed} (locked {version})")
    if wrong:
        shown = ", ".join(wrong[:4]) + (f" and {len(wrong) - 4} more" if len(wrong) > 4 else "")
        return False, f"packages differ from the lock: {shown}", "run ./setup.sh again"
    return True, f"{len(pins)} packages as locked", ""


def check_grader(kit_root: Path) -> Finding:
    """Grade lesson 01's solution with one real check, through the supervisor."""
    from workbook.harness import load_checks
    from workbook.lessons import find_lesson
    from workbook.runner import run_check
    from workbook.targets import solution_target

    try:
        lesson = find_lesson(kit_root, "01")
        spec = load_checks(lesson)[0]
        started = time.perf_counter()
        outcome = run_check(spec, solution_target(lesson))
    except Exception as error:  # noqa: BLE001 - whatever broke, the doctor says it
        return False, f"the grader could not run: {error}", "run ./setup.sh again"
    if not outcome.passed:
        return False, f"the grader failed a known-good check: {outcome.error}", "run ./setup.sh"
    return True, f"the grader works (one check in {time.perf_counter() - started:.1f} s)", ""


def check_service(variable: str, default_port: int, what: str) -> Callable[[Path], Finding]:
    def probe(kit_root: Path) -> Finding:
        url = os.environ.get(variable, "")
        if not url:
            if _port_open("127.0.0.1", default_port):
                return (
                    True,
                    f"{what}: not used ({variable} unset; one answers on 127.0.0.1:{default_port})",
                    "",
                )
            return True, f"{what}: not used ({variable} unset; the lessons use SQLite/memory)", ""
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or default_port
        if _port_open(host, port):
            return True, f"{what} answers at {host}:{port}", ""
        return (
            False,
            f"{what} does not answer at {host}:{port} ({variable})",
            f"start {what}, or unset {variable} to use the embedded default",
        )

    return probe


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def check_writable(kit_root: Path) -> Finding:
    folder = kit_root / ".workbook"
    try:
        folder.mkdir(exist_ok=True)
        probe = folder / "doctor.tmp"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        return False, f".workbook/ is not writable: {error}", "clone the kit where you can write"
    return True, "progress can be saved in .workbook/", ""


CHECKS: tuple[Callable[[Path], Finding], ...] = (
    check_python,
    check_environment,
    check_packages,
    check_writable,
    check_grader,
    check_service("WORKBOOK_POSTGRES_URL", 5432, "PostgreSQL"),
    check_service("WORKBOOK_REDIS_URL", 6379, "Redis"),
)


def main(kit_root: Path) -> int:
    problems = 0
    for probe in CHECKS:
        is_fine, what, fix = probe(kit_root)
        print(f"{'ok ' if is_fine else 'FIX'}  {what}")
        if not is_fine:
            problems += 1
            print(f"     -> {fix}")
    print("\nReady." if not problems else f"\n{problems} thing(s) to fix before the session.")
    return 0 if not problems else 1
