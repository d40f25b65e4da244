"""The `workbook` command, run against a throwaway clone of the kit."""

import subprocess
from pathlib import Path

import pytest

from workbook.cli import main
from workbook.lessons import find_kit_root

KIT_ROOT = find_kit_root(Path(__file__).parent)
LESSON = "01_pydantic-schemas"
ROUTER = Path("lessons", LESSON, "app", "users", "router.py")


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh clone of the kit's committed state, as a learner has it; cwd set there."""
    destination = tmp_path / "kit"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(KIT_ROOT), str(destination)],
        check=True,
        timeout=60,
    )
    monkeypatch.chdir(destination)
    return destination


def test_progress_shows_untouched_lessons_as_not_started(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([]) == 0
    table = capsys.readouterr().out
    assert "01  pydantic-schemas" in table
    assert "not started" in table
    assert "Next: lesson 01" in table


def test_progress_grades_an_edited_lesson_and_caches_it(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clone / ROUTER).write_text((clone / ROUTER).read_text() + "\n# started\n")
    assert main([]) == 0
    first = capsys.readouterr().out
    assert "failing      1/10" in first
    assert (clone / ".workbook" / "progress.json").is_file()
    assert main([]) == 0
    assert capsys.readouterr().out == first


def test_reset_saves_the_learners_work_then_restores_the_starter(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    starter = (clone / ROUTER).read_text()
    (clone / ROUTER).write_text("# my work in progress\n")
    (clone / "lessons" / LESSON / "app" / "notes.py").write_text("# mine too\n")
    assert main(["reset", "01", "--yes"]) == 0
    assert (clone / ROUTER).read_text() == starter
    assert not (clone / "lessons" / LESSON / "app" / "notes.py").exists()
    saved = list((clone / ".workbook" / "saved").iterdir())
    assert len(saved) == 1
    assert (saved[0] / "app" / "users" / "router.py").read_text() == "# my work in progress\n"
    assert str(saved[0].relative_to(clone)) in capsys.readouterr().out


def test_reset_without_confirmation_changes_nothing(
    clone: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clone / ROUTER).write_text("# mine\n")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["reset", "01"]) == 1
    assert (clone / ROUTER).read_text() == "# mine\n"


def test_solution_hint_and_cite(clone: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solution", "1"]) == 0
    diff = capsys.readouterr().out
    assert f"+++ solutions/{LESSON}/app/users/schemas.py" in diff
    assert main(["hint", "01", "--level", "2"]) == 0
    assert "hint 2 of 3" in capsys.readouterr().out
    assert main(["cite", "01.3"]) == 0
    assert "#rule-01-3)" in capsys.readouterr().out


def test_an_unknown_lesson_is_a_clear_error(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hint", "99"]) == 2
    assert "no lesson '99'" in capsys.readouterr().err


@pytest.mark.parametrize("poll", [True, False], ids=["polling", "file-events"])
def test_watch_wakes_up_on_a_save(tmp_path: Path, poll: bool) -> None:
    import threading

    from workbook.cli import wait_for_change

    watched = tmp_path / "app.py"
    watched.write_text("before\n")
    finished = threading.Event()

    def wait() -> None:
        wait_for_change(tmp_path, poll=poll)
        finished.set()

    threading.Thread(target=wait, daemon=True).start()
    # Keep saving until the watcher reacts: it may start watching after any single save.
    for revision in range(60):
        watched.write_text(f"revision {revision}\n")
        if finished.wait(timeout=0.5):
            break
    assert finished.is_set(), "the watcher did not notice 60 saves in 30 s"
