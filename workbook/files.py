"""Which files make up a lesson's code: defined once, used by everything that copies, compares,
hashes or shows a starter, a solution or a wrong variant.

A target's files are everything under its folder (app/, migrations, alembic.ini,
.env.example, …) except what is generated or local state: caches, bytecode, databases the
service wrote while a learner ran it, a learner's own `.env`; and, in a lesson folder, the
lesson's text and metadata (README.md, lesson.toml), which are not code. The grader, the
solution diff, reset, the progress hash, the docs site and the notebooks all ask here.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path, PurePath

# Generated or local state: never part of a lesson's code.
GENERATED_PARTS = frozenset(
    {
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".ipynb_checkpoints",
        ".hypothesis",
    }
)
GENERATED_SUFFIXES = frozenset(
    {".pyc", ".pyo", ".db", ".db-journal", ".db-wal", ".db-shm", ".sqlite", ".sqlite3", ".log"}
)
LOCAL_NAMES = frozenset({".env", ".DS_Store", ".coverage"})
# In lessons/NN_slug/: the lesson's text and metadata, beside the starter's code.
LESSON_TEXT = frozenset({"README.md", "lesson.toml"})
# In checks/NN_slug/wrong/<name>/: the variant's metadata and golden report.
VARIANT_META = frozenset({"variant.toml", "expected_report.txt"})


def is_generated(relative: PurePath) -> bool:
    """Generated or local state (a cache, bytecode, a database file, a learner's `.env`)."""
    return (
        bool(GENERATED_PARTS.intersection(relative.parts))
        or relative.suffix in GENERATED_SUFFIXES
        or relative.name in LOCAL_NAMES
    )


def is_code(relative: PurePath, *, beside: frozenset[str] = frozenset()) -> bool:
    """Part of a target's code: not generated, and not one of `beside` at the top level."""
    if is_generated(relative):
        return False
    return not (len(relative.parts) == 1 and relative.name in beside)


def code_files(folder: Path, *, beside: frozenset[str] = frozenset()) -> list[PurePath]:
    """The code files under `folder`, relative to it, sorted (no symlinks that lead nowhere)."""
    if not folder.is_dir():
        return []
    return sorted(
        path.relative_to(folder)
        for path in _walk(folder)
        if path.is_file() and is_code(path.relative_to(folder), beside=beside)
    )


def starter_files(lesson_dir: Path) -> list[PurePath]:
    return code_files(lesson_dir, beside=LESSON_TEXT)


def read_texts(folder: Path, *, beside: frozenset[str] = frozenset()) -> dict[str, str]:
    """Every code file that is text, by its POSIX path relative to `folder`."""
    texts: dict[str, str] = {}
    for relative in code_files(folder, beside=beside):
        try:
            texts[relative.as_posix()] = (folder / relative).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def copy_code(source: Path, destination: Path, *, beside: frozenset[str] = frozenset()) -> None:
    """Copy the code files of `source` into `destination` (merged over what is there)."""
    for relative in code_files(source, beside=beside):
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, target)


def ignore_generated(folder: str, names: list[str]) -> set[str]:
    """For shutil.copytree: leave generated and local state out (a learner's save copies)."""
    return {name for name in names if is_generated(PurePath(name))}


def _walk(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() and not path.exists():
            continue  # a broken link is nobody's code
        yield path


