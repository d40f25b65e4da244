"""What a team lead runs: the doctor, and everyone's progress merged into one table."""

import json
from pathlib import Path

import pytest

from workbook import team
from workbook.cli import main
from workbook.lessons import find_kit_root

KIT_ROOT = find_kit_root(Path(__file__).parent)


def test_progress_as_json_then_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(KIT_ROOT)
    files = []
    for name in ("ada", "grace"):
        assert main(["progress", "--format", "json", "--name", name]) == 0
        path = tmp_path / f"{name}.json"
        path.write_text(capsys.readouterr().out)
        files.append(path)
    document = json.loads(files[0].read_text())
    assert document["learner"] == "ada"
    assert document["lessons"][0]["number"] == "01"
    edited = json.loads(files[1].read_text())
    edited["lessons"][0].update(state="passed", passed=3, total=3)
    files[1].write_text(json.dumps(edited))
    assert main(["merge", *map(str, files), "--markdown"]) == 0
    table = capsys.readouterr().out
    assert "| # | lesson | ada | grace |" in table
    assert "| 01 | pydantic-schemas | " in table
    assert "lessons passed" in table


def test_a_file_that_is_not_progress_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = tmp_path / "notes.json"
    stray.write_text('{"hello": 1}')
    assert main(["merge", str(stray)]) == 2
    assert "not made by `workbook progress --format json`" in capsys.readouterr().err


def test_markdown_progress_counts_passed_lessons() -> None:
    rows = [team.Row("01", "a", "passed", 3, 3), team.Row("02", "b", "failing", 1, 4)]
    assert "1 of 2 lessons pass" in team.as_markdown(rows, "ada")


def test_the_doctor_says_what_to_fix(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(KIT_ROOT)
    monkeypatch.setenv("WORKBOOK_REDIS_URL", "redis://127.0.0.1:9/0")  # nothing listens there
    assert main(["doctor"]) == 1
    report = capsys.readouterr().out
    assert "ok   Python 3." in report
    assert "the grader works" in report
    assert "FIX  Redis does not answer at 127.0.0.1:9" in report
    assert "unset WORKBOOK_REDIS_URL" in report
