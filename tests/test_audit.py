"""`workbook audit` on apps that are not the kit's: a team's service, broken apps, and every
lesson's own solution and starter (its portable rules pass on the one and fail on the other)."""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbook.harness import load_checks
from workbook.lessons import find_kit_root, loadable_lessons

KIT_ROOT = find_kit_root(Path(__file__).parent)
SERVICE = Path(__file__).parent / "audit_service"
WORKBOOK = str(Path(sys.executable).with_name("workbook"))
# What the audit must say of the team's service: these verdicts, and no other rule.
EXPECTED_SERVICE_VERDICTS = {
    "01.3": "passed",  # every JSON body is a model with extra="forbid"
    "09.3": "failed",  # FastAPI's own {"detail": ...} for 404 and 405
    "09.4": "failed",  # FastAPI's own 422 shape
    "22.2": "passed",  # secured routes challenge with Bearer
    "24.1": "failed",  # allow_origins=["*"] with credentials
    "25.1": "failed",  # no security headers
    "25.2": "failed",
    "25.3": "failed",  # /docs is HTML without a Content-Security-Policy
    "30.1": "failed",  # no request id
    "30.2": "failed",
    "32.3": "failed",  # no readiness probe
    "36.1": "failed",  # GET /items/{item_id} returns a hand-built dict
    "37.2": "failed",  # no body size limit
    "41.1": "failed",  # unversioned paths
    "41.3": "failed",
    "42.1": "failed",  # FastAPI's default summaries, no descriptions
    "42.2": "failed",
    "42.3": "failed",
    "42.4": "failed",
    "42.5": "failed",
    "42.6": "failed",  # the docs stay public with SERVICE_ENVIRONMENT=production
    "44.1": "passed",  # no generated safe request gets a 5xx
}


def audit(project: Path, *arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [WORKBOOK, "audit", *arguments],
        cwd=project,
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_teams_service_gets_exactly_its_known_verdicts(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
    started = time.perf_counter()
    result = audit(
        SERVICE,
        "app.main:app",
        "--format",
        "json",
        "--production-env",
        "SERVICE_ENVIRONMENT=production",
        SERVICE_DATABASE_URL=database,
    )
    seconds = time.perf_counter() - started
    assert result.returncode == 1, result.stderr
    verdicts = {rule["rule"]: rule["verdict"] for rule in json.loads(result.stdout)["rules"]}
    assert verdicts == EXPECTED_SERVICE_VERDICTS
    assert seconds < 60
    # Safe by default: no request of the audit stored anything in the team's database.
    assert stored_rows(tmp_path / "service.db") == {"item": 0, "user_account": 0}


def stored_rows(database: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in tables}


def test_docs_in_production_need_to_be_told_how_production_runs(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
    result = audit(SERVICE, "app.main:app", "--select", "42.6", SERVICE_DATABASE_URL=database)
    assert result.returncode == 0, result.stderr
    assert "not applicable" in result.stdout
    assert "--production-env NAME=VALUE" in result.stdout


def test_without_allow_writes_the_audit_sends_no_write_a_check_did_not_mark(
    tmp_path: Path,
) -> None:
    """The guard itself: an unmarked POST never reaches the app; a marked probe does."""
    import asyncio

    from workbook.audit import Settings, audited_target
    from workbook.harness import MUST_BE_REFUSED, Check, WritesNotAllowed

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(
        "from fastapi import FastAPI\n\napp = FastAPI()\nreceived: list[str] = []\n\n\n"
        "@app.post('/notes')\nasync def add(note: dict[str, str]) -> dict[str, str]:\n"
        "    received.append(str(note))\n    return note\n"
    )
    lesson = next(item for item in loadable_lessons(KIT_ROOT) if item.number == "09")
    target = audited_target(lesson, Settings(app="app.main:app"), tmp_path)

    async def attempt() -> tuple[str, int]:
        ctx = Check(target=target, tmp_path=tmp_path)
        async with ctx.client() as client:
            try:
                await client.post("/notes", json={"text": "stored?"})
                refused = "sent"
            except WritesNotAllowed as error:
                refused = str(error)
            probe = await client.post("/notes", content=b"{", extensions=MUST_BE_REFUSED)
        return refused, probe.status_code

    sys.path.insert(0, str(tmp_path))
    try:
        refused, probe_status = asyncio.run(attempt())
        received = sys.modules["app.main"].received
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == "app" or name.startswith("app.")]:
            del sys.modules[name]
    assert "--allow-writes" in refused
    assert received == []
    assert probe_status == 422


def test_markdown_for_a_pull_request_and_a_reasoned_ignore(tmp_path: Path) -> None:
    project = tmp_path / "service"
    shutil.copytree(SERVICE, project)
    (project / "pyproject.toml").write_text(
        '[tool.workbook.audit]\napp = "app.main:app"\nselect = ["24", "25"]\n\n'
        '[tool.workbook.audit.ignore]\n"24.1" = "internal API, no browsers"\n'
    )
    database = f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
    result = audit(project, "--format", "markdown", SERVICE_DATABASE_URL=database)
    assert result.returncode == 1  # 25.1 still fails
    assert "| 24.1 | ignored | internal API, no browsers |" in result.stdout
    assert "❌ failed" in result.stdout
    assert "<details><summary>25.1" in result.stdout
    assert "30.1" not in result.stdout  # not selected


@pytest.mark.parametrize(
    ("main", "message"),
    [
        ("import nowhere_to_be_found\n", "cannot be audited: importing app.main failed"),
        ("from fastapi import FastAPI\napp = FastAPI(openapi_url=None)\n", "the OpenAPI document"),
        (
            "import asyncio\nfrom contextlib import asynccontextmanager\nfrom fastapi import "
            "FastAPI\n\n\n@asynccontextmanager\nasync def lifespan(app):\n    await "
            "asyncio.Event().wait()\n    yield\n\n\napp = FastAPI(lifespan=lifespan)\n",
            "lifespan did not finish starting",
        ),
    ],
    ids=["import-fails", "no-openapi", "lifespan-hangs"],
)
def test_an_app_that_cannot_be_audited_says_why(tmp_path: Path, main: str, message: str) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(main)
    started = time.perf_counter()
    result = audit(tmp_path, "app.main:app")
    assert result.returncode == 2
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert time.perf_counter() - started < 30


PORTABLE_LESSONS = [
    lesson
    for lesson in loadable_lessons(KIT_ROOT)
    if any(spec.portable for spec in load_checks(lesson))
]


@pytest.mark.parametrize("lesson", PORTABLE_LESSONS, ids=[item.name for item in PORTABLE_LESSONS])
def test_a_lessons_portable_rules_pass_on_its_solution_and_fail_on_its_starter(
    lesson: object, tmp_path: Path
) -> None:
    from workbook.lessons import Lesson

    assert isinstance(lesson, Lesson)
    portable = {spec.rule for spec in load_checks(lesson) if spec.portable}
    variables = {
        "APP_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        **dict(lesson.environment),
    }
    for folder, wanted in ((lesson.solution_dir, {"passed"}), (lesson.lesson_dir, {"failed"})):
        result = audit(folder, "app.main:app", "--format", "json", "--select", lesson.number,
                       "--production-env", "APP_ENVIRONMENT=production", **variables)
        assert result.returncode in (0, 1), result.stderr
        verdicts = {rule["rule"]: rule["verdict"] for rule in json.loads(result.stdout)["rules"]}
        assert set(verdicts) == portable
        wrong = {rule: verdict for rule, verdict in verdicts.items() if verdict not in wanted}
        assert not wrong, f"{folder.relative_to(KIT_ROOT)}: {wrong}"
