"""The starters as the kit shipped them, found without trusting the learner's working tree.

Each lesson's checks folder holds `starter.sha256`: a hash of every file of the starter's
code (see `files`). A starter is *untouched* while its files hash to that list, with or without
git, whatever the learner committed. A pristine copy (for `workbook reset`, the docs site, the
self-test) is the first of these whose files match the list:

1. the lesson folder itself, when untouched;
2. `.workbook/pristine/NN_slug/`, a snapshot the `workbook` command keeps of every untouched
   starter it sees (so a copy downloaded as a zip can be reset too);
3. the lesson folder in git's history, newest first (a learner's commits are passed over).

    python -m workbook.pristine write [NN]   # after changing a starter: rewrite its list
"""

import argparse
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
from functools import cache
from pathlib import Path

from workbook import files, scratch
from workbook.lessons import Lesson, find_kit_root, find_lesson, loadable_lessons

MANIFEST = "starter.sha256"
SNAPSHOT_DIR = Path(".workbook") / "pristine"


def manifest_file(lesson: Lesson) -> Path:
    return lesson.checks_dir / MANIFEST


def hashes(folder: Path) -> dict[str, str]:
    """sha256 of each starter code file under `folder`, by POSIX path."""
    return {
        relative.as_posix(): hashlib.sha256((folder / relative).read_bytes()).hexdigest()
        for relative in files.starter_files(folder)
    }


def render(file_hashes: dict[str, str]) -> str:
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(file_hashes.items()))


def shipped(lesson: Lesson) -> dict[str, str] | None:
    """The starter's file hashes as the kit shipped them; None if the lesson has no list yet."""
    try:
        text = manifest_file(lesson).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    listed = {}
    for line in text.splitlines():
        digest, _, path = line.partition("  ")
        if digest and path:
            listed[path] = digest
    return listed


def is_untouched(lesson: Lesson) -> bool | None:
    """Does the learner's folder hold the starter as shipped? None without a list to compare."""
    listed = shipped(lesson)
    return None if listed is None else hashes(lesson.lesson_dir) == listed


def keep_snapshot(lesson: Lesson) -> None:
    """Copy an untouched starter to `.workbook/pristine/` (once), for a later reset."""
    snapshot = lesson.kit_root / SNAPSHOT_DIR / lesson.name
    listed = shipped(lesson)
    if listed is None or hashes(lesson.lesson_dir) != listed:
        return
    if snapshot.is_dir() and hashes(snapshot) == listed:
        return
    shutil.rmtree(snapshot, ignore_errors=True)
    files.copy_code(lesson.lesson_dir, snapshot)
    for name in files.LESSON_TEXT:
        if (lesson.lesson_dir / name).is_file():
            shutil.copy2(lesson.lesson_dir / name, snapshot / name)


class PristineNotFound(LookupError):
    pass


def find(lesson: Lesson) -> Path:
    """A folder holding the starter as shipped (see the module's docstring for the order)."""
    listed = shipped(lesson)
    if listed is None:
        # A lesson still being written has no list: its working tree is its starter.
        return lesson.lesson_dir
    snapshot = lesson.kit_root / SNAPSHOT_DIR / lesson.name
    for candidate in (lesson.lesson_dir, snapshot):
        if candidate.is_dir() and hashes(candidate) == listed:
            return candidate
    from_history = _from_git_history(lesson.kit_root, lesson.name, render(listed))
    if from_history is not None:
        return from_history
    raise PristineNotFound(
        f"the starter of lesson {lesson.number} as shipped is nowhere to be found (no untouched "
        f"copy, no snapshot in {SNAPSHOT_DIR}/, nothing in git's history): download the kit "
        "again to get it back"
    )


@cache
def _from_git_history(kit_root: Path, lesson_name: str, wanted: str) -> Path | None:
    path = f"lessons/{lesson_name}"
    commits = _git(kit_root, "rev-list", "--all", "--max-count=50", "--", path)
    for commit in (commits or b"").decode().split():
        archive = _git(kit_root, "archive", "--format=tar", commit, "--", path)
        if not archive:
            continue
        destination = scratch.new_dir(f"pristine-{lesson_name}-")
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(destination, filter="data")
        folder = destination / path
        if render(hashes(folder)) == wanted:
            return folder
        shutil.rmtree(destination, ignore_errors=True)
    return None


def _git(kit_root: Path, *arguments: str) -> bytes | None:
    try:
        result = subprocess.run(
            ["git", *arguments], cwd=kit_root, capture_output=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook.pristine", description=__doc__)
    parser.add_argument("action", choices=["write", "check"])
    parser.add_argument("lesson", nargs="?", help="one lesson (default: all)")
    args = parser.parse_args(argv)
    kit_root = find_kit_root()
    lessons = [find_lesson(kit_root, args.lesson)] if args.lesson else loadable_lessons(kit_root)
    stale = 0
    for lesson in lessons:
        current = render(hashes(lesson.lesson_dir))
        listed = shipped(lesson)
        if args.action == "write":
            manifest_file(lesson).write_text(current, encoding="utf-8")
        elif listed is None or render(listed) != current:
            stale += 1
            print(f"{lesson.name}: {MANIFEST} does not match the starter")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
