"""The `workbook` command: progress, grading, watching, hints, solutions, reset, citations."""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from workbook import progress
from workbook.lessons import (
    Lesson,
    MetadataError,
    find_kit_root,
    find_lesson,
    lesson_dirs,
    load_lesson,
)
from workbook.team import Row

SAVED_DIR = Path(".workbook") / "saved"
CHECK_DECORATOR = re.compile(r"^@check\(", re.MULTILINE)
WATCH_DEBOUNCE_SECONDS = 0.3


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        command: Callable[[Path, argparse.Namespace], int] = args.command
        # The audit runs in a team's own project, far from any copy of the kit.
        kit_root = Path.cwd() if command is run_audit else find_kit_root()
        status = command(kit_root, args)
        # Output to a pipe waits in a buffer: flush it here, where a reader that left (`| head`)
        # is caught below, not at exit, where Python prints a BrokenPipeError and exits 120.
        sys.stdout.flush()
    except (LookupError, FileNotFoundError, MetadataError) as error:
        print(f"workbook: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `workbook | head`: the reader left. Say nothing more, and let nothing say it at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook",
        description="The FastAPI guideline workbook. With no command: your progress.",
    )
    parser.set_defaults(command=show_progress)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def add(name: str, handler: Callable[[Path, argparse.Namespace], int], text: str) -> (
        argparse.ArgumentParser
    ):
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(command=handler)
        return sub

    current = "lesson number, e.g. 03 (default: the lesson you stand in, else the first unfinished)"
    add("check", check_lesson, "grade a lesson (the same as `pytest lessons/NN`)").add_argument(
        "lesson", nargs="?", help=current
    )
    watch = add("watch", watch_lessons, "re-grade on every save; move on when a lesson passes")
    watch.add_argument("lesson", nargs="?", help="start here (default: the first unfinished)")
    watch.add_argument("--poll", action="store_true", help="poll for changes (no file events)")
    hint = add("hint", show_hint, "show a hint for a lesson")
    hint.add_argument("lesson", nargs="?", help=current)
    hint.add_argument("--level", type=int, default=1, help="1 is a nudge; higher says more")
    add("solution", show_solution, "the diff from your code to the solution").add_argument(
        "lesson", nargs="?", help=current
    )
    reset = add("reset", reset_lesson, "restore the starter (your version is saved first)")
    reset.add_argument("lesson")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add("cite", cite_rule, "print a Markdown link to a rule, e.g. `cite 09.2`").add_argument(
        "rule"
    )
    progress_command = add("progress", show_progress, "your progress (the default command)")
    progress_command.add_argument(
        "--format", choices=["table", "json", "markdown"], default="table"
    )
    progress_command.add_argument("--name", help="your name in the file (default: git user.name)")
    merge = add("merge", merge_progress, "a team lead's table from the learners' JSON files")
    merge.add_argument("files", nargs="+", help="files made by `workbook progress --format json`")
    merge.add_argument("--markdown", action="store_true", help="a Markdown table")
    add("doctor", run_doctor, "check this machine is ready: Python, packages, databases")
    add("verify", verify_kit, "run the kit's own self-test (for maintainers)")
    from workbook import audit

    audit.add_arguments(add("audit", run_audit, "grade your own FastAPI app against the rules"))
    return parser


# --- progress -------------------------------------------------------------------------------


def show_progress(kit_root: Path, args: argparse.Namespace) -> int:
    from workbook import team

    rows = progress_rows(kit_root)
    output_format = getattr(args, "format", "table")
    learner = getattr(args, "name", None) or learner_name()
    if output_format == "json":
        print(team.as_json(rows, learner))
        return 0
    if output_format == "markdown":
        print(team.as_markdown(rows, learner))
        return 0
    print_table([(row.number, row.slug, row.state, row.score) for row in rows])
    next_row = next((row for row in rows if row.state != "passed"), None)
    if next_row is None:
        print("\nEvery lesson passes. Well done.")
    else:
        print(
            f"\nNext: lesson {next_row.number} {next_row.slug}. Read "
            f"lessons/{next_row.number}_{next_row.slug}/README.md, then run "
            f"`workbook watch {next_row.number}`."
        )
    return 0


def progress_rows(kit_root: Path) -> list[Row]:
    """Every lesson's state: from the cache, graded when edited since, never when untouched."""
    from workbook import pristine, team
    from workbook.targets import is_untouched

    rows = []
    for folder in lesson_dirs(kit_root):
        try:
            lesson = load_lesson(folder)
        except MetadataError:
            rows.append(team.Row(folder.name[:2], folder.name[3:], "broken metadata", None, None))
            continue
        untouched = is_untouched(lesson)
        if untouched:
            pristine.keep_snapshot(lesson)  # so a reset works even without git
        result = progress.cached(lesson) or (None if untouched else grade_quietly(lesson))
        if result is None or result.untouched:
            # No count of passing checks beside "not started": the starter's baseline checks
            # pass, and "not started 4/10" would read as a contradiction.
            total = count_checks(lesson) if result is None else result.total
            rows.append(team.Row(lesson.number, lesson.slug, "not started", None, total))
        else:
            rows.append(
                team.Row(lesson.number, lesson.slug, result.state, result.passed, result.total)
            )
    return rows


def learner_name() -> str:
    try:
        name = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except OSError:
        name = ""
    return name or os.environ.get("USER", "learner")


def merge_progress(kit_root: Path, args: argparse.Namespace) -> int:
    from workbook import team

    try:
        print(team.merge([Path(path) for path in args.files], markdown=args.markdown))
    except team.ProgressFileError as error:
        print(f"workbook: {error}", file=sys.stderr)
        return 2
    return 0


def grade_quietly(lesson: Lesson) -> progress.Progress:
    """Grade a learner's lesson (no pytest; supervised, in parallel), and remember the result."""
    from workbook import grading
    from workbook.targets import learner_target

    target = learner_target(lesson)
    outcomes = list(grading.grade(target))
    grading.conclude(target, outcomes)  # records it, unless the grading files were changed
    passed = sum(outcome.passed for outcome in outcomes)
    return progress.Progress(lesson, passed, len(outcomes), untouched=False)


def count_checks(lesson: Lesson) -> int:
    try:
        return len(CHECK_DECORATOR.findall(lesson.checks_file.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return 0


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    slug_width = max((len(row[1]) for row in rows), default=10)
    print(f"{'#':<3} {'lesson':<{slug_width}}  {'state':<12} checks")
    for number, slug, state, score in rows:
        print(f"{number:<3} {slug:<{slug_width}}  {state:<12} {score}")


# --- grading and watching -------------------------------------------------------------------


def current_lesson(kit_root: Path, reference: str | None) -> Lesson:
    """The lesson named, else the one the shell stands in, else the first not yet passed."""
    if reference:
        return find_lesson(kit_root, reference)
    here = Path.cwd().resolve()
    for folder in lesson_dirs(kit_root):
        if here == folder.resolve() or folder.resolve() in here.parents:
            return load_lesson(folder)
    lessons = [load_lesson(folder) for folder in lesson_dirs(kit_root)]
    for lesson in lessons:
        result = progress.cached(lesson)
        if result is None or result.state != "passed":
            return lesson
    return lessons[-1]


def check_lesson(kit_root: Path, args: argparse.Namespace) -> int:
    lesson = current_lesson(kit_root, args.lesson)
    return run_pytest(kit_root, f"lessons/{lesson.name}")


def run_pytest(kit_root: Path, *arguments: str) -> int:
    # A child process: learner code can hang a thread or exit; the command must survive it.
    command = [sys.executable, "-m", "pytest", "--no-header", "-p", "no:cacheprovider", *arguments]
    return subprocess.run(command, cwd=kit_root, check=False).returncode


def watch_lessons(kit_root: Path, args: argparse.Namespace) -> int:
    lessons = [load_lesson(folder) for folder in lesson_dirs(kit_root)]
    start = find_lesson(kit_root, args.lesson).number if args.lesson else "00"
    for lesson in (lesson for lesson in lessons if lesson.number >= start):
        watch_one(kit_root, lesson, poll=args.poll)
        print(f"\nLesson {lesson.number} passes. Moving on.\n")
    print("Every lesson from here passes.")
    return 0


WATCH_SHOWN_FAILURES = 3


def watch_one(kit_root: Path, lesson: Lesson, *, poll: bool) -> None:
    """Grade `lesson` now and after every change to its files; return once it passes.

    Grading stays in this process, which has the libraries imported already: each save costs
    only the checks' own processes (forked warm, several at a time), not a new pytest.
    """
    print(f"Watching lesson {lesson.number} {lesson.slug} (Ctrl-C to stop).")
    while True:
        if grade_and_show(lesson):
            return
        print(f"\nWaiting for a change in lessons/{lesson.name}/ ...")
        wait_for_change(lesson.lesson_dir, poll=poll)


def grade_and_show(lesson: Lesson) -> bool:
    """Grade the learner's lesson once, print what fails (first few) and the verdict."""
    from workbook import grading
    from workbook.harness import load_checks
    from workbook.report import format_outcome
    from workbook.targets import learner_target

    target = learner_target(lesson)
    order = {spec.name: position for position, spec in enumerate(load_checks(lesson))}
    outcomes = sorted(grading.grade(target), key=lambda outcome: order[outcome.spec.name])
    failing = [outcome for outcome in outcomes if not outcome.passed]
    for outcome in failing[:WATCH_SHOWN_FAILURES]:
        print(f"\n--- {outcome.spec.name}\n{format_outcome(outcome)}")
    if len(failing) > WATCH_SHOWN_FAILURES:
        more = len(failing) - WATCH_SHOWN_FAILURES
        print(f"\n... and {more} more: `pytest lessons/{lesson.number}` shows every failure.")
    print()
    for line in grading.conclude(target, outcomes):
        print(line)
    return not failing


def wait_for_change(folder: Path, *, poll: bool) -> None:
    """Return after the next save below `folder`: file events, or polling where they fail."""
    try:
        import watchfiles
    except ImportError:
        poll_for_change(folder)
        return
    force_polling = poll or os.environ.get("WORKBOOK_POLL") == "1"
    for _changes in watchfiles.watch(
        folder,
        watch_filter=lambda change, path: "__pycache__" not in path,
        force_polling=force_polling,
        debounce=int(WATCH_DEBOUNCE_SECONDS * 1000),
        raise_interrupt=True,
    ):
        return


def poll_for_change(folder: Path, interval: float = 0.5) -> None:
    before = snapshot(folder)
    while snapshot(folder) == before:
        time.sleep(interval)


def snapshot(folder: Path) -> dict[str, float]:
    return {
        str(path): path.stat().st_mtime
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


# --- hints, solutions, reset, citations -----------------------------------------------------


def show_hint(kit_root: Path, args: argparse.Namespace) -> int:
    lesson = current_lesson(kit_root, args.lesson)
    level = max(1, min(args.level, len(lesson.hints)))
    print(f"Lesson {lesson.number} {lesson.slug}, hint {level} of {len(lesson.hints)}:\n")
    print(lesson.hints[level - 1])
    if level < len(lesson.hints):
        print(f"\nMore: workbook hint {lesson.number} --level {level + 1}")
    return 0


def show_solution(kit_root: Path, args: argparse.Namespace) -> int:
    from workbook import files

    lesson = current_lesson(kit_root, args.lesson)
    mine = files.read_texts(lesson.lesson_dir, beside=files.LESSON_TEXT)
    theirs = files.read_texts(lesson.solution_dir)
    for name in sorted({*mine, *theirs}):
        sys.stdout.writelines(
            difflib.unified_diff(
                mine.get(name, "").splitlines(keepends=True),
                theirs.get(name, "").splitlines(keepends=True),
                fromfile=f"lessons/{lesson.name}/{name}",
                tofile=f"solutions/{lesson.name}/{name}",
            )
        )
    return 0


def reset_lesson(kit_root: Path, args: argparse.Namespace) -> int:
    from workbook import files, pristine

    lesson = find_lesson(kit_root, args.lesson)
    try:
        source = pristine.find(lesson)
    except pristine.PristineNotFound as error:
        print(f"workbook: nothing changed: {error}", file=sys.stderr)
        return 1
    if source == lesson.lesson_dir:
        print(f"lessons/{lesson.name}/ is already the starter as shipped. Nothing changed.")
        return 0
    if not args.yes and not confirm(f"Restore lesson {lesson.number} to its starter?"):
        print("Nothing changed.")
        return 1
    saved = save_learner_copy(kit_root, lesson)
    # The snapshot must outlive the swap: copy it aside first when it is the lesson folder's.
    staged = kit_root / SAVED_DIR / f".restoring-{lesson.name}"
    shutil.rmtree(staged, ignore_errors=True)
    files.copy_code(source, staged)
    for name in files.LESSON_TEXT:
        if (source / name).is_file():
            shutil.copy2(source / name, staged / name)
    shutil.rmtree(lesson.lesson_dir)
    staged.rename(lesson.lesson_dir)
    print(f"Your version is saved in {saved.relative_to(kit_root)}/")
    print(f"lessons/{lesson.name}/ is back to its starter.")
    return 0


def save_learner_copy(kit_root: Path, lesson: Lesson) -> Path:
    """Copy the learner's lesson folder under .workbook/saved/, under a name not yet taken."""
    from workbook import files

    stem = kit_root / SAVED_DIR / f"{lesson.name}-{datetime.now():%Y%m%d-%H%M%S}"
    saved, number = stem, 1
    while saved.exists():
        number += 1
        saved = stem.with_name(f"{stem.name}-{number}")
    saved.parent.mkdir(parents=True, exist_ok=True)
    # Links are kept as links (a broken one too): the copy is the learner's folder, as it was.
    shutil.copytree(lesson.lesson_dir, saved, symlinks=True, ignore=files.ignore_generated)
    return saved


def confirm(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def cite_rule(kit_root: Path, args: argparse.Namespace) -> int:
    from workbook.report import citation

    number, _, index = args.rule.strip().partition(".")
    if not (number.isdigit() and index.isdigit()):
        print(f"workbook: {args.rule!r} is not a rule id such as 09.2", file=sys.stderr)
        return 2
    lesson = find_lesson(kit_root, number)
    rule_id = f"{int(number):02d}.{int(index)}"
    try:
        rule = lesson.rule(rule_id)
    except KeyError:
        known = ", ".join(rule.id for rule in lesson.rules)
        print(f"workbook: lesson {lesson.number} has no rule {rule_id} ({known})", file=sys.stderr)
        return 2
    print(citation(lesson, rule))
    return 0


def run_doctor(kit_root: Path, args: argparse.Namespace) -> int:
    from workbook import doctor

    return doctor.main(kit_root)


def run_audit(kit_root: Path, args: argparse.Namespace) -> int:
    from workbook import audit

    return audit.main(args)


def verify_kit(kit_root: Path, args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("mkdocs") is None:
        print("workbook verify needs the maintainers' tools: run ./setup.sh dev first.")
        return 2
    return run_pytest(kit_root, "tests")


if __name__ == "__main__":
    raise SystemExit(main())
