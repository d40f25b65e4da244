"""The progress table, fast because each lesson's result is cached by a hash of its inputs.

A result is reused while the learner's lesson files, the lesson's checks and the engine are
byte for byte what they were when it was graded; anything else grades the lesson again.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from workbook import files
from workbook.lessons import Lesson

CACHE_FILE = Path(".workbook") / "progress.json"
ENGINE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Progress:
    lesson: Lesson
    passed: int
    total: int
    untouched: bool

    @property
    def state(self) -> str:
        if self.untouched:
            return "not started"
        if self.passed == self.total:
            return "passed"
        return "failing"


def digest(lesson: Lesson) -> str:
    """A hash of everything a lesson's grade depends on."""
    hasher = hashlib.sha256()
    for folder in (lesson.lesson_dir, lesson.checks_dir, ENGINE_DIR):
        for relative in files.code_files(folder):
            hasher.update(relative.as_posix().encode())
            hasher.update((folder / relative).read_bytes())
    return hasher.hexdigest()


def cached(lesson: Lesson) -> Progress | None:
    entry = _load(lesson.kit_root).get(lesson.name)
    if not isinstance(entry, dict) or entry.get("digest") != digest(lesson):
        return None
    return Progress(lesson, int(entry["passed"]), int(entry["total"]), bool(entry["untouched"]))


def record(lesson: Lesson, passed: int, total: int, *, untouched: bool) -> None:
    entries = _load(lesson.kit_root)
    entries[lesson.name] = {
        "digest": digest(lesson),
        "passed": passed,
        "total": total,
        "untouched": untouched,
    }
    path = lesson.kit_root / CACHE_FILE
    path.parent.mkdir(exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def _load(kit_root: Path) -> dict[str, object]:
    try:
        data = json.loads((kit_root / CACHE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
