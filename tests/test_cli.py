"""The `workbook` command, run against a throwaway clone of the kit."""

import os
import re
import shutil
import subprocess
import sys
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
    if not (destination / "checks" / LESSON / "starter.sha256").is_file():
        # The lists of the starters' files as shipped (committed with every lesson).
        subprocess.run([sys.executable, "-m", "workbook.pristine", "write"], check=True, timeout=60)
        git(destination, "add", "-A")
        git(destination, "commit", "--quiet", "-m", "starter list")
    return destination


def git(folder: Path, *arguments: str) -> None:
    identity = ["-c", "user.name=Learner", "-c", "user.email=learner@example.com"]
    subprocess.run(["git", *identity, *arguments], cwd=folder, check=True, timeout=60)


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
    assert re.search(r"failing +\d+/\d+", first)
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


def test_reset_twice_in_a_second_keeps_both_copies(clone: Path) -> None:
    for attempt in ("first", "second"):
        (clone / ROUTER).write_text(f"# {attempt} try\n")
        assert main(["reset", "01", "--yes"]) == 0
    saved = sorted((clone / ".workbook" / "saved").iterdir())
    assert len(saved) == 2


def test_reset_keeps_a_broken_link_in_the_saved_copy(clone: Path) -> None:
    (clone / ROUTER).write_text("# mine\n")
    os.symlink("nowhere.py", clone / "lessons" / LESSON / "app" / "dangling.py")
    assert main(["reset", "01", "--yes"]) == 0
    (saved,) = (clone / ".workbook" / "saved").iterdir()
    assert (saved / "app" / "dangling.py").is_symlink()
    assert not (clone / "lessons" / LESSON / "app" / "dangling.py").exists()


def test_reset_after_the_learner_committed_restores_the_shipped_starter(clone: Path) -> None:
    starter = (clone / ROUTER).read_text()
    (clone / ROUTER).write_text("# committed work\n")
    git(clone, "commit", "--quiet", "-am", "my work")
    assert main(["reset", "01", "--yes"]) == 0
    assert (clone / ROUTER).read_text() == starter


def test_reset_without_git_uses_the_snapshot_or_says_it_cannot(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    starter = (clone / ROUTER).read_text()
    shutil.rmtree(clone / ".git")  # a zip download
    (clone / ROUTER).write_text("# mine\n")
    assert main(["reset", "01", "--yes"]) == 1  # no snapshot yet: nothing is claimed
    assert "nothing changed" in capsys.readouterr().err
    assert (clone / ROUTER).read_text() == "# mine\n"
    (clone / ROUTER).write_text(starter)
    assert main([]) == 0  # the progress table keeps a snapshot of untouched starters
    (clone / ROUTER).write_text("# mine again\n")
    assert main(["reset", "01", "--yes"]) == 0
    assert (clone / ROUTER).read_text() == starter


def test_a_database_left_by_running_the_service_is_not_a_start(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clone / "lessons" / LESSON / "tracker.db").write_bytes(b"SQLite format 3\x00")
    assert main([]) == 0
    assert re.search(r"01 +pydantic-schemas +not started", capsys.readouterr().out)


def test_reset_without_confirmation_changes_nothing(
    clone: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clone / ROUTER).write_text("# mine\n")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["reset", "01"]) == 1
    assert (clone / ROUTER).read_text() == "# mine\n"


def test_solution_hint_and_cite(
    clone: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBOOK_SITE_URL", "https://team.github.io/fastapi-workbook/")
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


def pytest_in(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *arguments],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_checks_changed_by_learner_code_are_named_and_not_recorded(clone: Path) -> None:
    checks = clone / "checks" / LESSON / "checks.py"
    checks.write_text(
        "from workbook.harness import Check, check\n\n\n@check('01.1')\n"
        "async def always_passes(ctx: Check) -> None:\n    pass\n"
    )
    result = pytest_in(clone, "lessons/01")
    assert f"checks/{LESSON}/checks.py" in result.stdout
    assert "not recorded as progress" in result.stdout
    assert f"git checkout HEAD -- checks/{LESSON}" in result.stdout
    assert not (clone / ".workbook" / "progress.json").exists()


def test_a_partial_run_does_not_overwrite_the_verdict(clone: Path) -> None:
    (clone / ROUTER).write_text((clone / ROUTER).read_text() + "\n# started\n")
    result = pytest_in(clone, "lessons/01", "-k", "a_valid_user_is_created_and_read_back")
    assert "a partial run (1 of" in result.stdout
    assert not (clone / ".workbook" / "progress.json").exists()


@pytest.mark.parametrize(
    "arguments",
    [["hint", "1"], ["solution", "1"], ["cite", "9.2"]],
    ids=["hint", "solution", "cite"],
)
def test_a_reader_that_leaves_early_gets_no_traceback(arguments: list[str]) -> None:
    """`workbook ... | head`: the reader is gone before the output is written."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    child = subprocess.Popen(
        [sys.executable, "-m", "workbook", *arguments],
        cwd=KIT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,  # output to a pipe buffered, as a learner's shell has it
    )
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.close()  # the reader leaves before anything is written
    errors = child.stderr.read().decode()
    child.stderr.close()
    assert child.wait(timeout=60) == 0
    assert errors == ""


def test_cite_and_hint_accept_a_lesson_number_without_its_zero(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(KIT_ROOT)
    monkeypatch.setenv("WORKBOOK_SITE_URL", "https://team.github.io/fastapi-workbook/")
    assert main(["cite", "9.2"]) == 0
    assert "rule 09.2" in (link := capsys.readouterr().out)
    assert "#rule-09-2)" in link
    assert main(["hint", "1"]) == 0
    assert "Lesson 01 pydantic-schemas, hint 1 of" in capsys.readouterr().out
    assert main(["cite", "9"]) == 2
    assert "not a rule id such as 09.2" in capsys.readouterr().err


def test_an_untouched_lesson_shows_no_count_of_passing_checks(
    clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """"not started (2/13)" would read as a contradiction, even after grading the starter."""
    from workbook import progress
    from workbook.lessons import find_lesson

    lesson = find_lesson(clone, "01")
    progress.record(lesson, 2, 13, untouched=True)  # what `pytest lessons/01` keeps
    assert main([]) == 0
    assert re.search(r"01 +pydantic-schemas +not started +-/13\n", capsys.readouterr().out)
    assert main(["progress", "--format", "markdown"]) == 0
    assert "| 01 | pydantic-schemas | not started | -/13 |" in capsys.readouterr().out
