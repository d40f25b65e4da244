"""The grader itself: broken learner code is graded with a plain message, never a hang.

Each case copies lesson 01's starter, breaks it the way a learner might, and grades it.
"""

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbook.harness import load_checks
from workbook.lessons import find_kit_root, find_lesson
from workbook.pytest_plugin import _expand_reference
from workbook.report import citation, format_outcome
from workbook.runner import Outcome, Status, run_check
from workbook.targets import Target, TargetKind

KIT_ROOT = find_kit_root(Path(__file__).parent)
LESSON = dataclasses.replace(find_lesson(KIT_ROOT, "01"), timeout=2.0)
ROUTER = "app/users/router.py"


def broken_copy(tmp_path: Path, relative: str, *edits: tuple[str, str]) -> Target:
    shutil.copytree(LESSON.lesson_dir / "app", tmp_path / "app")
    path = tmp_path / relative
    source = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in source
        source = source.replace(old, new, 1)
    path.write_text(source, encoding="utf-8")
    return Target(LESSON, TargetKind.LEARNER, tmp_path)


def grade_first_check(target: Target) -> Outcome:
    return run_check(load_checks(LESSON)[0], target)


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        (ROUTER, "def create_user(", "def create_user(:", f"{ROUTER}, line"),
        (ROUTER, "import UserNotFoundError, UserStore\n", "import UserStore, Missing\n", ROUTER),
        (ROUTER, "router = APIRouter(", "router = ApiRouter(", "NameError"),
        ("app/main.py", "app = create_app()", "import sys\nsys.exit(3)", "sys.exit(3)"),
        ("app/main.py", "app = create_app()", "application = create_app()", "has no `app`"),
    ],
    ids=["syntax-error", "import-error", "missing-name", "exit-at-import", "no-app"],
)
def test_unimportable_code_gets_a_plain_message(
    tmp_path: Path, relative: str, old: str, new: str, message: str
) -> None:
    outcome = grade_first_check(broken_copy(tmp_path, relative, (old, new)))
    assert outcome.status is Status.ERROR
    assert message in outcome.error
    assert "Traceback" not in format_outcome(outcome)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    while True:\n        pass\n", "did not finish within 2 s"),
        ("    import asyncio\n    await asyncio.Event().wait()\n", "did not finish within 2 s"),
        ("    import sys\n    sys.exit(1)\n", "sys.exit(1)"),
    ],
    ids=["busy-loop", "endless-await", "exit-in-handler"],
)
def test_a_handler_that_misbehaves_is_stopped(tmp_path: Path, body: str, message: str) -> None:
    target = broken_copy(
        tmp_path,
        ROUTER,
        ("def create_user(", "async def create_user("),
        ("    return store.create(payload)\n", body),
    )
    started = time.perf_counter()
    outcome = grade_first_check(target)
    assert time.perf_counter() - started < 30
    assert outcome.status is Status.ERROR
    assert message in outcome.error


def test_a_failure_names_rule_link_request_expectation_and_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKBOOK_SITE_URL", "https://team.github.io/fastapi-workbook/")
    specs = {spec.name: spec for spec in load_checks(LESSON)}
    target = Target(LESSON, TargetKind.LEARNER, LESSON.lesson_dir)
    outcome = run_check(specs["an_unknown_field_is_refused"], target)
    text = format_outcome(outcome)
    rule = LESSON.rule("01.3")
    for part in ("rule 01.3", rule.title, f"#{rule.anchor}", "sent:", "POST /users",
                 "expected:", "got:", "hint:", rule.hint):
        assert part in text


def test_short_references_expand_to_lesson_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(KIT_ROOT)
    assert _expand_reference("lessons/1") == f"lessons/{LESSON.name}"
    assert _expand_reference("solutions/01/") == f"solutions/{LESSON.name}"
    assert _expand_reference("lessons/99") == "lessons/99"
    assert _expand_reference("tests") == "tests"
    inside = f"lessons/{LESSON.name}/app/users/router.py"
    assert _expand_reference(inside) == str(KIT_ROOT / "lessons" / LESSON.name)


def test_plain_pytest_inside_a_lesson_grades_that_lesson() -> None:
    result = pytest_run(cwd=LESSON.lesson_dir / "app")
    assert "lesson 01 pydantic-schemas: " in result.stdout, result.stdout[-2000:]


def test_cite_links_to_the_rule_anchor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBOOK_SITE_URL", "https://team.github.io/fastapi-workbook")
    link = citation(LESSON, LESSON.rule("01.2"))
    assert link.startswith("[lesson 01, rule 01.2: ")
    assert link.endswith(
        "(https://team.github.io/fastapi-workbook/lessons/01_pydantic-schemas/#rule-01-2)"
    )


def test_without_a_site_cite_links_to_the_rule_in_the_readme(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WORKBOOK_SITE_URL", raising=False)
    monkeypatch.setattr("workbook.links._configured", lambda kit_root: "")
    monkeypatch.setattr("workbook.links._github_pages", lambda kit_root: "")
    rule = LESSON.rule("01.2")
    link = citation(LESSON, rule)
    assert "(lessons/01_pydantic-schemas/README.md#012-" in link
    learner = Target(LESSON, TargetKind.LEARNER, LESSON.lesson_dir)
    text = format_outcome(run_check(load_checks(LESSON)[0], learner))
    assert "docs:" not in text
    assert 'read: lessons/01_pydantic-schemas/README.md, heading "01.' in text


def test_the_site_url_comes_from_the_origin_on_github(tmp_path: Path) -> None:
    from workbook.links import _github_pages

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:Acme/fastapi-workbook.git"],
        cwd=tmp_path,
        check=True,
    )
    assert _github_pages(tmp_path) == "https://acme.github.io/fastapi-workbook/"


def pytest_run(*arguments: str, cwd: Path = KIT_ROOT) -> subprocess.CompletedProcess[str]:
    """pytest in a child process, as a learner runs it."""
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *arguments],
        cwd=cwd, capture_output=True, text=True, timeout=120, env=environment,
    )


def test_pytest_grades_a_lesson_by_number_and_its_solution() -> None:
    result = pytest_run("lessons/01", "solutions/1")
    assert result.returncode == 1, result.stdout[-2000:]
    assert "lesson 01 pydantic-schemas: " in result.stdout
    assert re.search(r"solution 01 pydantic-schemas: (\d+) of \1 checks pass", result.stdout)
    assert "_pytest" not in result.stdout
    assert "workbook/" not in result.stdout


def test_a_stuck_thread_does_not_keep_pytest_alive(tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    for folder in ("lessons", "checks", "solutions"):
        shutil.copytree(KIT_ROOT / folder / LESSON.name, kit / folder / LESSON.name)
    shutil.copy(KIT_ROOT / "pyproject.toml", kit / "pyproject.toml")
    metadata = kit / "lessons" / LESSON.name / "lesson.toml"
    metadata.write_text("timeout = 2\n" + metadata.read_text(encoding="utf-8"), encoding="utf-8")
    router = kit / "lessons" / LESSON.name / ROUTER
    source = router.read_text(encoding="utf-8")
    router.write_text(
        source.replace("    return store.create(payload)", "    while True:\n        pass", 1),
        encoding="utf-8",
    )
    started = time.perf_counter()
    result = pytest_run(f"lessons/{LESSON.name}", "-x", cwd=kit)
    assert time.perf_counter() - started < 60
    assert result.returncode != 0
    assert "did not finish within 2 s" in result.stdout


def test_a_failures_node_id_runs_that_check_again() -> None:
    failed = re.findall(r"^FAILED (\S+)", pytest_run("lessons/01").stdout, re.MULTILINE)
    assert failed, "the starter of lesson 01 fails some checks"
    node_id = failed[-1]
    assert node_id.startswith(f"lessons/{LESSON.name}/")
    again = pytest_run(node_id)
    assert re.search(r"\b1 failed in\b", again.stdout), again.stdout[-2000:]
    assert node_id.split("::")[1] in again.stdout
    # A solution's checks, by the node id pytest lists (a maintainer's failing solution).
    listed = pytest_run("solutions/01", "--collect-only", "-q").stdout.split()
    solution_id = listed[0]
    assert solution_id.startswith(f"solutions/{LESSON.name}/")
    assert "::" in solution_id
    again = pytest_run(solution_id)
    assert re.search(r"\b1 passed in\b", again.stdout), again.stdout[-2000:]


def test_a_long_line_in_a_failure_is_trimmed() -> None:
    from workbook.outcome import Failure
    from workbook.report import LINE_LIMIT

    outcome = Outcome(
        spec=load_checks(LESSON)[0],
        target=Target(LESSON, TargetKind.LEARNER, LESSON.lesson_dir),
        backend="sqlite",
        status=Status.FAILED,
        failure=Failure(
            expected="status 201",
            got="422 " + "g" * 5000,
            sent="POST /users\n" + '{"name": "' + "x" * 5000 + '"}',
        ),
    )
    text = format_outcome(outcome)
    sent = next(line for line in text.splitlines() if line.startswith("sent:"))
    assert sent == "sent:      POST /users"
    assert max(len(line) for line in text.splitlines()) < LINE_LIMIT + 60
    assert text.count("more characters)") == 2


LESSON_07 = find_lesson(KIT_ROOT, "07")
HEARTBEAT_CHECK = "the_heartbeat_answers_while_a_lookup_runs"
LOOKUP = "    person = directory.lookup(login)\n"


@pytest.mark.parametrize(
    ("typo", "status", "told"),
    [
        (
            "    person = directroy.lookup(login)\n",
            Status.ERROR,
            ["NameError: name 'directroy' is not defined, at app/tasks/router.py line",
             "while answering GET /assignees/ada.lovelace", "hint:      fix this first"],
        ),
        (
            "    person = directory.lokup(login)\n",
            Status.FAILED,
            ["sent:      GET /assignees/ada.lovelace", "got:       500",
             "AttributeError: 'DirectoryClient' object has no attribute 'lokup', at "
             "app/tasks/router.py line"],
        ),
    ],
    ids=["name-error", "attribute-error"],
)
def test_a_typo_in_a_handler_is_not_a_blocked_event_loop(
    tmp_path: Path, typo: str, status: Status, told: list[str]
) -> None:
    """Lesson 07's solution with a typo in a handler: the learner is told of the typo."""
    shutil.copytree(LESSON_07.solution_dir / "app", tmp_path / "app")
    router = tmp_path / "app" / "tasks" / "router.py"
    source = router.read_text(encoding="utf-8")
    assert LOOKUP in source
    router.write_text(source.replace(LOOKUP, typo, 1), encoding="utf-8")
    specs = {spec.name: spec for spec in load_checks(LESSON_07)}
    outcome = run_check(specs[HEARTBEAT_CHECK], Target(LESSON_07, TargetKind.LEARNER, tmp_path))
    text = format_outcome(outcome)
    assert outcome.status is status, text
    for part in told:
        assert part in text, text
    assert "blocked the event loop" not in text


LESSON_13 = find_lesson(KIT_ROOT, "13")
SERVICE_13 = "app/budgets/service.py"
REPOSITORY_13 = "app/budgets/repository.py"
TRANSFER_BODY = """    for project_id in (request.source_id, request.target_id):
        if await repository.get_project(session, project_id) is None:
            raise ProjectNotFound(project_id)
    transfer = Transfer(**request.model_dump())
    await repository.add(session, transfer)  # 1. record the transfer
    await repository.change_budget(session, request.source_id, -request.hours)  # 2. debit
    await repository.change_budget(session, request.target_id, request.hours)  # 3. credit
"""
PROJECT_BODY = """    project = Project(**request.model_dump())
    await repository.add(session, project)
"""


def in_a_block(body: str) -> str:
    return "    async with session.begin():\n" + "".join(
        f"    {line}\n" for line in body.splitlines()
    )


@pytest.mark.parametrize(
    ("edits", "told"),
    [
        (
            [(REPOSITORY_13, "await session.commit()", "await session.flush()")],
            "`create_project` runs in an `async with session.begin():` of its own",
        ),
        (
            [
                (SERVICE_13, PROJECT_BODY, in_a_block(PROJECT_BODY)),
                (SERVICE_13, TRANSFER_BODY, in_a_block(TRANSFER_BODY)),
            ],
            "ends its transaction half-way: the repository only flushes",
        ),
    ],
    ids=["repository-flushes-first", "service-blocks-first"],
)
def test_half_of_step_1_of_13_transactions_is_blamed_on_rule_13_1(
    tmp_path: Path, edits: list[tuple[str, str, str]], told: str
) -> None:
    """The README's step 1 done by halves: other rules' checks are blocked by rule 13.1."""
    shutil.copytree(LESSON_13.lesson_dir / "app", tmp_path / "app")
    for relative, old, new in edits:
        path = tmp_path / relative
        source = path.read_text(encoding="utf-8")
        assert old in source
        path.write_text(source.replace(old, new), encoding="utf-8")
    specs = {spec.name: spec for spec in load_checks(LESSON_13)}
    target = Target(LESSON_13, TargetKind.LEARNER, tmp_path)
    for name in ("a_refused_credit_leaves_both_budgets_untouched",
                 "concurrent_transfers_keep_the_total"):
        outcome = run_check(specs[name], target)
        text = format_outcome(outcome)
        assert outcome.status is Status.BLOCKED, text
        assert outcome.blocked_by == "13.1"
        assert told in text
