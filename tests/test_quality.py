"""ruff and mypy --strict on everything the kit ships as exemplary: engine, checks, solutions.

Each solution is its own `app` package, so mypy runs once per lesson (solution plus checks),
sharing one cache; the engine and the kit's tests are one more run.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from workbook.harness import load_checks
from workbook.lessons import Lesson, find_kit_root, find_lesson, loadable_lessons
from workbook.report import format_outcome
from workbook.runner import run_check
from workbook.targets import Target, TargetKind

KIT_ROOT = find_kit_root(Path(__file__).parent)
LESSONS = loadable_lessons(KIT_ROOT)
MYPY_CACHE = KIT_ROOT / ".mypy_cache"


def run_tool(*command: str, cwd: Path = KIT_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_ruff_is_clean() -> None:
    result = run_tool("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_engine_and_tests() -> None:
    result = run_tool("mypy", "--cache-dir", str(MYPY_CACHE), "workbook", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_mypy_strict_on_solution_and_checks(lesson: Lesson) -> None:
    result = run_tool(
        "mypy",
        "--config-file",
        str(KIT_ROOT / "pyproject.toml"),
        "--cache-dir",
        str(MYPY_CACHE),
        "app",
        str(lesson.checks_file),
        cwd=lesson.solution_dir,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# Lesson 10's static checks: every solution follows the code-quality rules the kit teaches.
CODE_QUALITY_CHECKS = (
    "every_signature_is_typed",
    "no_any_is_written",
    "names_are_imported_by_name",
    "no_default_is_mutable",
    "exceptions_are_caught_by_name",
    "booleans_read_as_questions",
    "ruff_and_mypy_strict_pass",
)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_solution_follows_the_code_quality_lesson(lesson: Lesson) -> None:
    code_quality = find_lesson(KIT_ROOT, "10")
    specs = {spec.name: spec for spec in load_checks(code_quality)}
    target = Target(code_quality, TargetKind.SOLUTION, lesson.solution_dir)
    outcomes = [run_check(specs[name], target) for name in CODE_QUALITY_CHECKS]
    failing = [outcome for outcome in outcomes if not outcome.passed]
    assert not failing, "\n\n".join(format_outcome(outcome) for outcome in failing)
