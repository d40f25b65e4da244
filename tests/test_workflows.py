"""The shipped GitHub Actions workflows cannot rot unseen: linted, and in step with the README."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook.lessons import find_kit_root

KIT_ROOT = find_kit_root(Path(__file__).parent)
WORKFLOWS = KIT_ROOT / ".github" / "workflows"
TEST_COMMAND = "./setup.sh dev && .venv/bin/python -m pytest tests"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed: run ./setup.sh dev")
    return found


def test_actionlint_finds_nothing() -> None:
    result = subprocess.run(
        [tool("actionlint"), *sorted(map(str, WORKFLOWS.glob("*.yml")))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_no_security_problem() -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readmes_test_command_as_ci_run_does() -> None:
    assert TEST_COMMAND in (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    assert TEST_COMMAND in (KIT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in (KIT_ROOT / "README.md").read_text(encoding="utf-8")


def test_the_docs_workflow_publishes_with_the_site_url_setting() -> None:
    docs = (WORKFLOWS / "docs.yml").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in docs
    assert "WORKBOOK_SITE_URL" in docs
    assert "actions/deploy-pages@" in docs
