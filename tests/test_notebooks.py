"""Every notebook is current with its source and reproduces its stored outputs.

The `.py` source (jupytext percent format) is what is reviewed; the `.ipynb` beside it is
generated from it (`python -m workbook.notebook_build build NN`) and stored with its outputs. nbval
runs each stored notebook again and compares every output with the stored one (not
`--nbval-lax`): a notebook whose output changes from run to run fails here. The notebooks are
run in a few nbval processes side by side (see `notebook_runs`), one start-up per process.

Needs the dev group (jupytext, nbval); skipped without it.
"""

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

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


# Notebooks are run in a few nbval processes side by side, each taking a share of them: one
# pytest start-up per share instead of per notebook, and every core busy.
NBVAL_PROCESSES = max(2, os.cpu_count() or 1)
COLOUR = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*m")  # nbval colours its diffs


@dataclass(frozen=True)
class NotebookRun:
    cells: int  # the cells nbval compared
    failures: tuple[str, ...]  # what nbval said of each cell that differed or failed


def selected_notebooks(selected_params: Callable[[str], list[dict[str, Any]]]) -> list[Path]:
    """The stored notebooks whose reproduce test this session runs (all, or those `-k` kept)."""
    chosen = [
        notebook_build.paired(params["source"])
        for params in selected_params("test_notebook_reproduces_its_stored_outputs")
    ]
    return [path for path in chosen if path.is_file()]


def shares(notebooks: list[Path], count: int) -> list[list[Path]]:
    """Split the notebooks into `count` shares of similar size (the largest first)."""
    buckets: list[list[Path]] = [[] for _ in range(count)]
    sizes = [0] * count
    for notebook in sorted(notebooks, key=lambda path: -path.stat().st_size):
        smallest = sizes.index(min(sizes))
        buckets[smallest].append(notebook)
        sizes[smallest] += notebook.stat().st_size
    return [bucket for bucket in buckets if bucket]


def nbval_command(notebooks: list[Path], report: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-current-env",
        f"--nbval-cell-timeout={notebook_build.CELL_TIMEOUT_SECONDS}",
        "-o",
        "addopts=",  # not the grader's plugin: this run collects notebooks
        "-p",
        "no:cacheprovider",
        "-q",
        f"--junitxml={report}",
        "--rootdir",
        str(KIT_ROOT),
        *(str(notebook) for notebook in notebooks),
    ]


def read_report(report: Path) -> dict[str, NotebookRun]:
    """Notebook file name -> what nbval found in it, from its JUnit XML report."""
    cells: dict[str, int] = {}
    failures: dict[str, list[str]] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        # classname is the notebook's path with dots: notebooks.07_async-io.ipynb
        name = ".".join(case.get("classname", "").rsplit(".", 2)[-2:])
        cells[name] = cells.get(name, 0) + 1
        for problem in (*case.iter("failure"), *case.iter("error")):
            text = COLOUR.sub("", (problem.get("message") or "") + "\n" + (problem.text or ""))
            failures.setdefault(name, []).append(f"{case.get('name')}: {text.strip()[-1500:]}")
    return {
        name: NotebookRun(count, tuple(failures.get(name, ()))) for name, count in cells.items()
    }


# Jupyter picks a kernel's TCP ports by binding and releasing them: two nbval processes
# starting kernels at the same moment can pick the same port, and the kernel dies at start.
# That says nothing about the notebook, so such a notebook is run again, alone.
KERNEL_START_FAILURES = ("Kernel died before replying", "Kernel didn't respond")


def run_shares(notebooks: list[Path], processes: int, folder: Path) -> dict[str, NotebookRun]:
    """Run the notebooks in `processes` nbval processes side by side; results by file name."""
    running = []
    for number, share in enumerate(shares(notebooks, processes)):
        report = folder / f"share-{len(list(folder.iterdir()))}-{number}.xml"
        process = subprocess.Popen(
            nbval_command(share, report),
            cwd=KIT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        running.append((process, report))
    results: dict[str, NotebookRun] = {}
    for process, report in running:
        try:
            output, _ = process.communicate(timeout=NBVAL_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        if report.is_file():
            results.update(read_report(report))
        else:
            results[f"(share {report.stem})"] = NotebookRun(0, (output[-4000:],))
    return results


@pytest.fixture(scope="session")
def notebook_runs(
    selected_params: Callable[[str], list[dict[str, Any]]],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, NotebookRun]:
    """Every selected notebook run once by nbval, in parallel shares; results by file name."""
    folder = tmp_path_factory.mktemp("nbval")
    notebooks = selected_notebooks(selected_params)
    results = run_shares(notebooks, NBVAL_PROCESSES, folder)
    kernel_failed = [
        notebook
        for notebook in notebooks
        if any(
            marker in failure
            for failure in results.get(notebook.name, NotebookRun(0, ())).failures
            for marker in KERNEL_START_FAILURES
        )
    ]
    if kernel_failed:
        results.update(run_shares(kernel_failed, 1, folder))
    return results


@pytest.mark.parametrize("source", SOURCES, ids=[source.stem for source in SOURCES])
def test_notebook_reproduces_its_stored_outputs(
    source: Path, notebook_runs: dict[str, NotebookRun]
) -> None:
    stored = notebook_build.paired(source)
    if not stored.is_file():
        pytest.fail(
            f"{stored.name} is missing: python -m workbook.notebook_build build {source.stem}"
        )
    run = notebook_runs.get(stored.name, NotebookRun(0, ()))
    said = [failure for other in notebook_runs.values() for failure in other.failures]
    assert run.cells > 0, f"nbval did not run {stored.name}: " + "; ".join(said)[:4000]
    assert not run.failures, (
        f"{stored.name} no longer reproduces its stored outputs. If the change is intended, "
        f"rebuild it (python -m workbook.notebook_build build {source.stem}); if an output varies "
        "from run to run, print a stable verdict instead.\n" + "\n\n".join(run.failures)
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
