"""What the checks run against: a learner's lesson, a solution, a pristine starter, a wrong variant.

Every target is a folder holding an `app/` package. Pristine starters come from git's HEAD,
so the self-test grades what the kit ships even in a clone where a learner has edited
`lessons/`. Wrong variants are the solution with a few files replaced (an overlay).
"""

import enum
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePath

from workbook import files, scratch
from workbook.lessons import Lesson, MetadataError


class TargetKind(enum.Enum):
    LEARNER = "lesson"
    SOLUTION = "solution"
    PRISTINE = "pristine starter"
    WRONG = "wrong variant"
    AUDITED = "audited app"  # a team's own service, graded by `workbook audit`


@dataclass(frozen=True)
class Target:
    lesson: Lesson
    kind: TargetKind
    root: Path
    variant: str = ""
    # Where the ASGI app is: "module:attribute"; a factory is called to build it.
    app_reference: str = "app.main:app"
    is_factory: bool = False

    def label(self) -> str:
        suffix = f" {self.variant}" if self.variant else ""
        return f"{self.kind.value} {self.lesson.number} {self.lesson.slug}{suffix}"


@dataclass(frozen=True)
class WrongVariant:
    name: str
    mistake: str
    caught_by: tuple[str, ...]
    overlay_dir: Path
    rule: str = ""  # the rule the mistake breaks; every check in caught_by is a check of it
    # A mistake only one backend can show (a race on Redis): graded there alone, when set up.
    only_with: tuple[str, ...] = ()
    # Files of the solution the mistake leaves out (`remove = [".env.example"]`), relative.
    removes: tuple[str, ...] = ()

    @property
    def golden_file(self) -> Path:
        """The learner-facing report this variant must produce, stored for review."""
        return self.overlay_dir / GOLDEN_REPORT


VARIANT_METADATA, GOLDEN_REPORT = "variant.toml", "expected_report.txt"  # see files.VARIANT_META


def learner_target(lesson: Lesson) -> Target:
    return Target(lesson, TargetKind.LEARNER, lesson.lesson_dir)


def solution_target(lesson: Lesson) -> Target:
    return Target(lesson, TargetKind.SOLUTION, lesson.solution_dir)


def pristine_target(lesson: Lesson) -> Target:
    """The starter as the kit shipped it (never the learner's edits; see `pristine`)."""
    from workbook import pristine

    return Target(lesson, TargetKind.PRISTINE, pristine.find(lesson))


def wrong_variants(lesson: Lesson) -> tuple[WrongVariant, ...]:
    if not lesson.wrong_dir.is_dir():
        return ()
    return tuple(
        _load_variant(path) for path in sorted(lesson.wrong_dir.iterdir()) if path.is_dir()
    )


def wrong_target(lesson: Lesson, variant: WrongVariant) -> Target:
    """The whole solution folder (app/ and whatever sits beside it), the variant's files on top."""
    root = scratch.new_dir(f"{lesson.number}-{variant.name}-")
    files.copy_code(lesson.solution_dir, root)
    files.copy_code(variant.overlay_dir, root, beside=files.VARIANT_META)
    for relative in variant.removes:
        (root / relative).unlink(missing_ok=True)
    return Target(lesson, TargetKind.WRONG, root, variant=variant.name)


def is_untouched(lesson: Lesson) -> bool:
    """True when the learner's starter code is exactly as the kit shipped it."""
    from workbook import pristine

    untouched = pristine.is_untouched(lesson)
    if untouched is not None:
        return untouched
    touched = touched_lessons(lesson.kit_root)  # a lesson without a list yet: ask git
    return touched is not None and lesson.name not in touched


def touched_lessons(kit_root: Path) -> set[str] | None:
    """Names of lesson folders that differ from HEAD (one git call), or None without git."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", "lessons"],
            cwd=kit_root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    touched = set()
    for line in result.stdout.splitlines():
        path = line[3:].strip().strip('"').split(" -> ")[-1]
        parts = path.split("/")
        if len(parts) > 2 and files.is_code(PurePath(*parts[2:]), beside=files.LESSON_TEXT):
            touched.add(parts[1])
    return touched


def _load_variant(path: Path) -> WrongVariant:
    metadata = path / VARIANT_METADATA
    try:
        data = tomllib.loads(metadata.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError) as error:
        raise MetadataError(f"{metadata}: {error}") from error
    mistake = data.get("mistake")
    caught_by = data.get("caught_by")
    if not isinstance(mistake, str) or not mistake.strip():
        raise MetadataError(f"{metadata}: 'mistake' says what the learner got wrong")
    if (
        not isinstance(caught_by, list)
        or not caught_by
        or not all(isinstance(name, str) for name in caught_by)
    ):
        raise MetadataError(f"{metadata}: 'caught_by' lists the checks that must reject it")
    removes = data.get("remove", [])
    if not isinstance(removes, list) or not all(
        isinstance(item, str)
        and item
        and not Path(item).is_absolute()
        and ".." not in Path(item).parts
        for item in removes
    ):
        raise MetadataError(f"{metadata}: 'remove' lists files of the solution, relative to it")
    if not removes and not files.code_files(path, beside=files.VARIANT_META):
        raise MetadataError(f"{path}: a variant holds the files it changes in the solution")
    rule = data.get("rule", "")
    if not isinstance(rule, str):
        raise MetadataError(f"{metadata}: 'rule' is the id of the rule the mistake breaks")
    only_with = data.get("only_with", [])
    if not isinstance(only_with, list) or not set(only_with) <= {"postgresql", "redis"}:
        raise MetadataError(f"{metadata}: 'only_with' lists backends: postgresql, redis")
    return WrongVariant(
        path.name,
        mistake.strip(),
        tuple(caught_by),
        path,
        rule.strip(),
        tuple(only_with),
        tuple(removes),
    )
