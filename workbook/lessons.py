"""Lesson discovery and metadata.

A lesson is found by convention, never by a central list: a folder `lessons/NN_slug/` with a
`lesson.toml`, its solution in `solutions/NN_slug/` and its checks in `checks/NN_slug/`.
The number and slug come from the folder name alone, so they are written down exactly once.
"""

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LESSON_DIR_PATTERN = re.compile(r"^(?P<number>\d{2})_(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
RULE_ID_PATTERN = re.compile(r"^(?P<lesson>\d{2})\.(?P<index>[1-9]\d*)$")
# A rule's heading in a lesson's README: `### 09.2 Title` (two to four hashes).
RULE_HEADING = re.compile(
    r"^(?P<hashes>#{2,4}) (?P<id>\d{2}\.\d+) (?P<title>.+?)\s*$", re.MULTILINE
)
SEED_IDS = frozenset({"000", "001", "002", "003", "004"})
KNOWN_SERVICES = frozenset({"database", "redis"})

# The syllabus fixes six parts; a lesson names its part by letter.
PARTS: dict[str, str] = {
    "A": "The shape of an app",
    "B": "Data",
    "C": "Security",
    "D": "Observability and operations",
    "E": "Performance and integration",
    "F": "Contract, tests and delivery",
}

DEFAULT_CHECK_TIMEOUT_SECONDS = 20.0
# Importing the app and starting its lifespan: an app that never starts is caught this fast.
DEFAULT_STARTUP_TIMEOUT_SECONDS = 5.0


class MetadataError(ValueError):
    """A lesson's metadata file is missing, malformed or inconsistent."""


_Fail = Callable[[str], MetadataError]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    hint: str
    seeds: tuple[str, ...]

    @property
    def anchor(self) -> str:
        """The HTML id of the rule's heading on its lesson page (`09.2` -> `rule-09-2`)."""
        return rule_anchor(self.id)


def rule_anchor(rule_id: str) -> str:
    """The HTML id of a rule's heading on its lesson page, from the rule's id alone."""
    return "rule-" + rule_id.replace(".", "-")


@dataclass(frozen=True)
class Lesson:
    number: str
    slug: str
    title: str
    part: str
    seeds: tuple[str, ...]
    prerequisites: tuple[str, ...]
    hints: tuple[str, ...]
    rules: tuple[Rule, ...]
    services: tuple[str, ...]
    timeout: float
    kit_root: Path = field(compare=False)
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT_SECONDS
    # Settings every check gives the app (a secret the service refuses to start without).
    environment: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return f"{self.number}_{self.slug}"

    @property
    def lesson_dir(self) -> Path:
        return self.kit_root / "lessons" / self.name

    @property
    def solution_dir(self) -> Path:
        return self.kit_root / "solutions" / self.name

    @property
    def checks_dir(self) -> Path:
        return self.kit_root / "checks" / self.name

    @property
    def checks_file(self) -> Path:
        return self.checks_dir / "checks.py"

    @property
    def wrong_dir(self) -> Path:
        return self.checks_dir / "wrong"

    @property
    def notebook_source(self) -> Path:
        return self.kit_root / "notebooks" / f"{self.name}.py"

    @property
    def uses_database(self) -> bool:
        return "database" in self.services

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"lesson {self.number} has no rule {rule_id}")

    def label(self) -> str:
        return f"lesson {self.number} {self.slug}"


def find_kit_root(start: Path | None = None) -> Path:
    """The folder holding `lessons/` and `checks/`, searched upwards from `start` (or cwd)."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "lessons").is_dir() and (candidate / "checks").is_dir():
            return candidate
    package_root = Path(__file__).resolve().parent.parent
    if (package_root / "lessons").is_dir():
        return package_root
    raise FileNotFoundError("no workbook found: run this inside the kit (a folder with lessons/)")


def lesson_dirs(kit_root: Path) -> list[Path]:
    """Every lesson folder under `kit_root/lessons`, in lesson order, without reading them."""
    lessons_root = kit_root / "lessons"
    if not lessons_root.is_dir():
        return []
    return sorted(
        path for path in lessons_root.iterdir()
        if path.is_dir() and LESSON_DIR_PATTERN.match(path.name)
    )


@cache
def discover(kit_root: Path) -> tuple[Lesson, ...]:
    """Every lesson under `kit_root/lessons`, in lesson order (MetadataError if one is bad)."""
    return tuple(load_lesson(path) for path in lesson_dirs(kit_root))


def loadable_lessons(kit_root: Path) -> list[Lesson]:
    """Every lesson whose metadata loads; a broken folder is left for the self-test to report."""
    lessons = []
    for folder in lesson_dirs(kit_root):
        try:
            lessons.append(load_lesson(folder))
        except MetadataError:
            continue
    return lessons


def find_lesson(kit_root: Path, reference: str) -> Lesson:
    """A lesson by number (`3`, `03`), folder name (`03_slug`) or slug; loads only that one."""
    wanted = reference.strip().rstrip("/").split("/")[-1]
    if wanted.isdigit():
        wanted = f"{int(wanted):02d}"
    folders = lesson_dirs(kit_root)
    for folder in folders:
        number, slug = folder.name.split("_", 1)
        if wanted in (number, folder.name, slug):
            return load_lesson(folder)
    known = ", ".join(folder.name.split("_", 1)[0] for folder in folders)
    raise LookupError(f"no lesson {reference!r} (lessons: {known})")


def load_lesson(lesson_dir: Path) -> Lesson:
    match = LESSON_DIR_PATTERN.match(lesson_dir.name)
    if match is None:
        raise MetadataError(f"{lesson_dir.name}: a lesson folder is named NN_slug")
    metadata_file = lesson_dir / "lesson.toml"
    try:
        data = tomllib.loads(metadata_file.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise MetadataError(f"{metadata_file}: missing") from error
    except tomllib.TOMLDecodeError as error:
        raise MetadataError(f"{metadata_file}: {error}") from error
    return _lesson_from_data(data, number=match["number"], slug=match["slug"], source=metadata_file)


def _lesson_from_data(
    data: dict[str, object], *, number: str, slug: str, source: Path
) -> Lesson:
    def fail(message: str) -> MetadataError:
        return MetadataError(f"{source}: {message}")

    title = _text(data, "title", fail)
    part = _text(data, "part", fail)
    if part not in PARTS:
        raise fail(f"part {part!r} is not one of {sorted(PARTS)}")
    seeds = _seed_list(data.get("seeds"), fail)
    rules = tuple(_rule_from_data(item, number, fail) for item in _table_list(data, "rules", fail))
    if not rules:
        raise fail("a lesson teaches at least one rule")
    rule_ids = [rule.id for rule in rules]
    if len(set(rule_ids)) != len(rule_ids):
        raise fail(f"rule ids repeat: {rule_ids}")
    hints = tuple(_string_list(data.get("hints", []), "hints", fail))
    if not hints:
        raise fail("give at least one tiered hint")
    prerequisites = tuple(_string_list(data.get("prerequisites", []), "prerequisites", fail))
    services = tuple(_string_list(data.get("services", []), "services", fail))
    unknown_services = set(services) - KNOWN_SERVICES
    if unknown_services:
        raise fail(f"unknown services {sorted(unknown_services)}; known: {sorted(KNOWN_SERVICES)}")
    timeout = data.get("timeout", DEFAULT_CHECK_TIMEOUT_SECONDS)
    if not isinstance(timeout, int | float) or timeout <= 0:
        raise fail("timeout is a positive number of seconds")
    startup_timeout = data.get("startup_timeout", DEFAULT_STARTUP_TIMEOUT_SECONDS)
    if not isinstance(startup_timeout, int | float) or startup_timeout <= 0:
        raise fail("startup_timeout is a positive number of seconds")
    environment = data.get("environment", {})
    if not isinstance(environment, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in environment.items()
    ):
        raise fail("[environment] maps variable names to string values")
    return Lesson(
        environment=tuple(sorted(environment.items())),
        startup_timeout=float(startup_timeout),
        number=number,
        slug=slug,
        title=title,
        part=part,
        seeds=seeds,
        prerequisites=prerequisites,
        hints=hints,
        rules=rules,
        services=services,
        timeout=float(timeout),
        kit_root=source.parent.parent.parent,
    )


def _rule_from_data(data: dict[str, object], number: str, fail: _Fail) -> Rule:
    rule_id = _text(data, "id", fail)
    match = RULE_ID_PATTERN.match(rule_id)
    if match is None or match["lesson"] != number:
        raise fail(f"rule id {rule_id!r} must look like {number}.K")
    return Rule(
        id=rule_id,
        title=_text(data, "title", fail),
        hint=_text(data, "hint", fail),
        seeds=_seed_list(data.get("seeds"), fail),
    )


def _text(data: dict[str, object], key: str, fail: _Fail) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{key!r} must be a non-empty string")
    return value.strip()


def _string_list(value: object, key: str, fail: _Fail) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(f"{key!r} must be a list of strings")
    return [item.strip() for item in value]


def _seed_list(value: object, fail: _Fail) -> tuple[str, ...]:
    seeds = _string_list(value if value is not None else [], "seeds", fail)
    unknown = set(seeds) - SEED_IDS
    if not seeds or unknown:
        raise fail(f"seeds must name some of {sorted(SEED_IDS)}, got {seeds}")
    return tuple(seeds)


def _table_list(data: dict[str, object], key: str, fail: _Fail) -> list[dict[str, object]]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise fail(f"[[{key}]] tables are required")
    return value
