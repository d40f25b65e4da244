"""Is a verdict made by the checks the kit shipped?

Learner code runs with the learner's rights and could rewrite a lesson's checks; a maintainer
edits them on purpose. Either way the grading runs as asked, but a run whose checks (or
grader) differ from the kit's committed ones is said to be so, and never recorded as progress.
"""

import subprocess
from pathlib import Path

from workbook.lessons import Lesson

ENGINE_DIR = Path(__file__).resolve().parent


def changed_grading_files(lesson: Lesson) -> list[str] | None:
    """Files of the lesson's checks or of the grader that differ from git's HEAD.

    None when that cannot be known (no git, or not a checkout): the run is then trusted.
    """
    kit_root = lesson.kit_root
    paths = [f"checks/{lesson.name}"]
    if ENGINE_DIR.is_relative_to(kit_root):
        paths.append(str(ENGINE_DIR.relative_to(kit_root)))
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", *paths],
            cwd=kit_root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    changed = []
    for line in result.stdout.splitlines():
        path = line[3:].strip().strip('"').split(" -> ")[-1]
        if "__pycache__" not in path and not path.endswith(".pyc"):
            changed.append(path)
    return changed


def restore_hint(lesson: Lesson, changed: list[str]) -> str:
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return (
        f"the grading files differ from the kit's ({shown}): this run is not recorded as "
        f"progress. If you did not mean to change them, restore them with "
        f"`git checkout HEAD -- checks/{lesson.name}` (and `workbook/`)."
    )
