"""Measure what the kit promises about speed (a script, not a timed test).

    .venv/bin/python scripts/benchmark.py [--runs 5] [--lesson 01] [--self-test]

- floor: pytest running one trivial test that imports fastapi, httpx and sqlalchemy;
- grading: `pytest lessons/NN` (target: within 1.3x the floor);
- progress: `workbook` with a warm cache (target: under 1 s);
- watch: one re-grade of the lesson in a warm `workbook watch` process, the time from a save
  to the verdict less the file event's own latency (target: under 0.5 s for a plain lesson);
- watch, end to end: a real `workbook watch NN` process; a file of the lesson is saved again
  (same bytes) and the time until watch waits again, verdict printed, is measured;
- audit: `workbook audit` of a generated service with 20 operations (target: a few seconds);
- self-test (with --self-test): `pytest tests`, per lesson (target: under 10 s per lesson).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent
FLOOR_TEST = "import fastapi, httpx, sqlalchemy\n\ndef test_floor() -> None:\n    assert fastapi\n"


def wall_time(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - started


def median_time(command: list[str], cwd: Path, runs: int) -> float:
    wall_time(command, cwd)  # warm the file system and bytecode caches
    return statistics.median(wall_time(command, cwd) for _ in range(runs))


def watch_regrade(lesson_reference: str, runs: int) -> float:
    """What `workbook watch` does after each save, timed in this (warm) process."""
    from workbook import grading
    from workbook.lessons import find_lesson
    from workbook.targets import learner_target

    target = learner_target(find_lesson(KIT_ROOT, lesson_reference))
    list(grading.grade(target))  # the first round imports the libraries, as watch's does
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        list(grading.grade(target))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def watch_end_to_end(lesson_reference: str, runs: int) -> float:
    """Save a lesson file in front of a running `workbook watch`; time until it waits again."""
    from workbook.lessons import find_lesson

    lesson = find_lesson(KIT_ROOT, lesson_reference)
    saved = lesson.lesson_dir / "app" / "main.py"
    content = saved.read_bytes()
    workbook = str(Path(sys.executable).with_name("workbook"))
    watcher = subprocess.Popen(
        [workbook, "watch", lesson.number],
        cwd=KIT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert watcher.stdout is not None
    times: list[float] = []
    started = 0.0
    try:
        for round_number in range(runs + 2):  # the first grade, and one warm-up save
            for line in watcher.stdout:
                if line.startswith("Waiting for a change"):
                    break
            else:
                raise RuntimeError("watch ended (does the lesson pass already?)")
            if round_number > 1:
                times.append(time.perf_counter() - started)
            if round_number == runs + 1:
                break
            time.sleep(0.3)  # the watcher is inside watchfiles by now
            started = time.perf_counter()
            saved.write_bytes(content)  # a save, as an editor makes it
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
        saved.write_bytes(content)
    return statistics.median(times)


TWENTY_ROUTES = Path(__file__).with_name("twenty_routes.py")  # the service the audit grades


def audit_of_twenty_routes(runs: int) -> float:
    """`workbook audit` of a service with five resources of four operations each."""
    workbook = str(Path(sys.executable).with_name("workbook"))
    with tempfile.TemporaryDirectory() as project:
        Path(project, "app").mkdir()
        Path(project, "app", "__init__.py").write_text("", encoding="utf-8")
        shutil.copyfile(TWENTY_ROUTES, Path(project, "app", "main.py"))
        return median_time([workbook, "audit", "app.main:app"], Path(project), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lesson", default="01")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory() as scratch:
        Path(scratch, "test_floor.py").write_text(FLOOR_TEST, encoding="utf-8")
        floor = median_time([*pytest, "test_floor.py"], Path(scratch), args.runs)
    grading = median_time([*pytest, f"lessons/{args.lesson}"], KIT_ROOT, args.runs)
    workbook = str(Path(sys.executable).with_name("workbook"))
    progress = median_time([workbook], KIT_ROOT, args.runs)
    print(f"floor (pytest + fastapi, httpx, sqlalchemy): {floor:.2f} s")
    print(f"pytest lessons/{args.lesson}: {grading:.2f} s = {grading / floor:.2f}x the floor")
    print(f"workbook (progress table, warm cache): {progress:.2f} s")
    regrade = watch_regrade(args.lesson, args.runs)
    print(f"workbook watch, save to verdict (warm, in-process re-grade): {regrade:.2f} s")
    end_to_end = watch_end_to_end(args.lesson, args.runs)
    print(f"workbook watch, save to verdict (end to end, file event included): {end_to_end:.2f} s")
    print(f"workbook audit of a 20-operation service: {audit_of_twenty_routes(args.runs):.2f} s")
    if args.self_test:
        lessons = len([p for p in (KIT_ROOT / "lessons").iterdir() if p.is_dir()])
        whole = wall_time([*pytest, "tests"], KIT_ROOT)
        per_lesson = whole / lessons
        print(f"self-test: {whole:.1f} s for {lessons} lessons = {per_lesson:.1f} s per lesson")


if __name__ == "__main__":
    main()
