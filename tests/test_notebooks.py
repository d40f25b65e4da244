"""Every notebook is current with its source and reproduces its stored outputs.

The `.py` source (jupytext percent format) is what is reviewed; the `.ipynb` beside it is
generated from it (`python -m workbook.notebook_build build NN`) and stored with its outputs. nbval
runs each stored notebook again and compares every output with the stored one (not
`--nbval-lax`): a notebook whose output changes from run to run fails here.

Needs the dev group (jupytext, nbval); skipped without it.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from workbook import notebook_build
from workbook.lessons import Lesson, find_kit_root, loadable_lessons

KIT_ROOT = find_kit_root(Path(__file__).parent)
LESSONS = tuple(loadable_lessons(KIT_ROOT))
SOURCES = notebook_build.sources(KIT_ROOT)
NBVAL_TIMEOUT_SECONDS = 600

pytest.importorskip("jupytext", reason="the notebooks need the dev group: ./setup.sh dev")
pytest.importorskip("nbval", reason="the notebooks need the dev group: ./setup.sh dev")


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_every_lesson_has_a_notebook(lesson: Lesson) -> None:
    assert lesson.notebook_source.is_file(), (
        f"write {lesson.notebook_source.relative_to(KIT_ROOT)} (see docs/contributing.md), then "
        f"store it: python -m workbook.notebook_build build {lesson.number}"
    )


@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_stored_notebook_is_current_with_its_source(source: Path) -> None:
    problems = notebook_build.problems(source)
    assert not problems, (
        "; ".join(problems) + f". Rebuild it: python -m workbook.notebook_build build {source.stem}"
    )


@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_notebook_reproduces_its_stored_outputs(source: Path) -> None:
    stored = notebook_build.paired(source)
    if not stored.is_file():
        pytest.fail(
            f"{stored.name} is missing: python -m workbook.notebook_build build {source.stem}"
        )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            f"--nbval-cell-timeout={notebook_build.CELL_TIMEOUT_SECONDS}",
            "-o",
            "addopts=",  # not the grader's plugin: this run collects a notebook
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(KIT_ROOT),
            str(stored),
        ],
        cwd=KIT_ROOT,
        capture_output=True,
        text=True,
        timeout=NBVAL_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, (
        f"{stored.name} no longer reproduces its stored outputs. If the change is intended, "
        f"rebuild it (python -m workbook.notebook_build build {source.stem}); if an output varies "
        f"from run to run, print a stable verdict instead.\n{result.stdout[-4000:]}"
    )


def test_building_a_notebook_leaves_nothing_behind(tmp_path: Path) -> None:
    """Stored outputs depend on the source only: no timings, random cell ids or versions."""
    source = tmp_path / "demo.py"
    source.write_text(
        "# %% [markdown]\n# # Demo\n\n# %%\nprint(sum(range(10)))\n", encoding="utf-8"
    )
    before = sorted(path.name for path in tmp_path.iterdir())
    first = notebook_build.build(source).read_text(encoding="utf-8")
    second = notebook_build.build(source).read_text(encoding="utf-8")
    assert first == second
    assert '"45\\n"' in first
    assert "iopub" not in first
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*before, "demo.ipynb"])
    assert notebook_build.problems(source) == []
