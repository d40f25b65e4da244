"""pytest grades a lesson: `pytest lessons/03`, `pytest lessons`, `pytest solutions/03`.

Loaded by `-p workbook.pytest_plugin` in the kit's pytest settings. A lesson folder (under
`lessons/` or `solutions/`) is collected as that lesson's checks bound to that folder; each
check is an item whose failure is the teaching message, with no grader traceback.
"""

import os
import re
from collections import defaultdict
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from _pytest._code.code import TerminalRepr

from workbook import runner
from workbook.grading import conclude
from workbook.harness import CheckSpec, load_checks
from workbook.lessons import Lesson, MetadataError, find_kit_root, find_lesson, load_lesson
from workbook.report import format_outcome
from workbook.runner import Outcome, run_check
from workbook.targets import Target, TargetKind, learner_target, solution_target

TARGET_FOLDERS = {"lessons": TargetKind.LEARNER, "solutions": TargetKind.SOLUTION}
SHORT_REFERENCE = re.compile(r"^(?P<folder>lessons|solutions)/(?P<number>\d{1,2})/?$")
LESSON_FOLDER = re.compile(r"^\d{2}_[a-z0-9-]+$")
SOLUTION_ANCHOR = Path("app", "main.py")  # every lesson's service has its FastAPI app there


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    """Let `pytest lessons/3` mean `pytest lessons/03_slug`, and a path inside a lesson (or
    plain `pytest` run from inside one, say in its app/ folder) mean the whole lesson."""
    namespace = early_config.known_args_namespace
    file_or_dir: list[str] = list(getattr(namespace, "file_or_dir", None) or [])
    if not file_or_dir:
        enclosing = _enclosing_lesson_folder(Path.cwd())
        if enclosing is not None and enclosing != Path.cwd():
            args.append(str(enclosing))
            namespace.file_or_dir = [str(enclosing)]
        return
    for position, arg in enumerate(args):
        if arg not in file_or_dir:
            continue
        expanded = _expand_reference(arg)
        if expanded == arg:
            continue
        args[position] = expanded
        namespace.file_or_dir = [expanded if item == arg else item for item in file_or_dir]


def _enclosing_lesson_folder(path: Path) -> Path | None:
    """`.../lessons/NN_slug` (or solutions/) when `path` is that folder or inside it."""
    resolved = path.resolve()
    for candidate in (resolved, *resolved.parents):
        if candidate.parent.name in TARGET_FOLDERS and LESSON_FOLDER.match(candidate.name):
            return candidate
    return None


def _expand_reference(arg: str) -> str:
    path = Path(arg.split("::", 1)[0])
    if "::" in arg and _is_check_anchor(path):
        return arg  # one check, by the node id a failure printed
    if path.exists():
        enclosing = _enclosing_lesson_folder(path)
        return str(enclosing) if enclosing is not None and enclosing != path.resolve() else arg
    match = SHORT_REFERENCE.match(arg.replace(os.sep, "/"))
    if match is None:
        return arg
    try:
        lesson = find_lesson(find_kit_root(), match["number"])
    except (LookupError, FileNotFoundError, MetadataError):
        return arg
    return f"{match['folder']}/{lesson.name}"


def _is_check_anchor(path: Path) -> bool:
    """The file a lesson's checks hang under (see `LessonDirectory.collect`): a learner's
    `lessons/NN_slug/lesson.toml`, or a solution's `solutions/NN_slug/app/main.py`."""
    if path.name == "lesson.toml":
        return True
    resolved = path.resolve()
    return (
        resolved.name == SOLUTION_ANCHOR.name
        and resolved.parent.name == SOLUTION_ANCHOR.parent.name
        and resolved.parents[2].name == "solutions"
        and LESSON_FOLDER.match(resolved.parents[1].name) is not None
    )


def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    kind = TARGET_FOLDERS.get(path.parent.name)
    if kind is None or not (path.parent.parent / "checks").is_dir():
        return None
    lesson_dir = path.parent.parent / "lessons" / path.name
    if not (lesson_dir / "lesson.toml").is_file():
        return None
    return LessonDirectory.from_parent(parent, path=path, kind=kind)


class LessonDirectory(pytest.Directory):
    """A lesson's (or a solution's) folder: its checks, bound to the code inside it."""

    def __init__(self, *, kind: TargetKind, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kind = kind

    def collect(self) -> Iterator[pytest.Collector]:
        lesson = load_lesson(self.path.parent.parent / "lessons" / self.path.name)
        is_learner = self.kind is TargetKind.LEARNER
        target = learner_target(lesson) if is_learner else solution_target(lesson)
        # Items hang under a file (pytest refuses `folder::name`), so that a failure's node id
        # (`lessons/01_x/lesson.toml::name`) can be passed back to pytest to run that one check.
        if is_learner:
            anchor = lesson.lesson_dir / "lesson.toml"
            yield LessonChecks.from_parent(self, path=anchor, lesson=lesson, target=target)
        else:
            # `solutions/01_x/app/main.py::name`: pytest matches each folder of that path to a
            # collector, so the `app` folder between is one.
            folder = self.path / SOLUTION_ANCHOR.parent
            yield SolutionApp.from_parent(self, path=folder, lesson=lesson, target=target)


class SolutionApp(pytest.Directory):
    """A solution's `app/` folder, holding its checks under `app/main.py`."""

    def __init__(self, *, lesson: Lesson, target: Target, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lesson = lesson
        self.target = target

    def collect(self) -> Iterator[pytest.Collector]:
        anchor = self.path / SOLUTION_ANCHOR.name
        yield LessonChecks.from_parent(self, path=anchor, lesson=self.lesson, target=self.target)


class LessonChecks(pytest.File):
    """The checks of one lesson, bound to one target."""

    def __init__(self, *, lesson: Lesson, target: Target, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lesson = lesson
        self.target = target

    def collect(self) -> Iterator[pytest.Item]:
        specs = load_checks(self.lesson)
        if not specs:
            yield NoChecksItem.from_parent(self, name="no_checks", lesson_name=self.lesson.name)
        for spec in specs:
            for backend in runner.backends_for(self.lesson):
                name = spec.name if backend == "sqlite" else f"{spec.name}[{backend}]"
                yield CheckItem.from_parent(
                    self, name=name, spec=spec, target=self.target, backend=backend
                )


class NoChecksItem(pytest.Item):
    """A lesson whose checks file defines no check: never a silent pass."""

    def __init__(self, *, lesson_name: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lesson_name = lesson_name

    def runtest(self) -> None:
        raise CheckFailedPlainly(
            f"checks/{self.lesson_name}/checks.py defines no check, so nothing can be graded. "
            f"Restore the kit's checks with `git checkout HEAD -- checks/{self.lesson_name}`."
        )

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: object = None
    ) -> str | TerminalRepr:
        return str(excinfo.value)


class CheckFailedPlainly(Exception):
    pass


class CheckFailed(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.spec.name)
        self.outcome = outcome


class CheckItem(pytest.Item):
    def __init__(
        self, *, spec: CheckSpec, target: Target, backend: str, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.spec = spec
        self.target = target
        self.backend = backend
        self.add_marker(pytest.mark.rule(spec.rule))

    def runtest(self) -> None:
        outcome = run_check(self.spec, self.target, self.backend)
        self.config.stash.setdefault(_OUTCOMES, []).append(outcome)
        if not outcome.passed:
            raise CheckFailed(outcome)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: object = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, CheckFailed):
            return format_outcome(excinfo.value.outcome)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        code = self.spec.function.__code__
        return Path(code.co_filename), code.co_firstlineno - 1, self.name


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if isinstance(item, CheckItem):
        # The teaching message already names what the app raised; the framework's log lines
        # would bury it. The learner's own prints (captured stdout) stay.
        report.sections = [section for section in report.sections if "log" not in section[0]]
    return report


_OUTCOMES = pytest.StashKey[list[Outcome]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rule(id): the lesson rule a check proves")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    outcomes = terminalreporter.config.stash.get(_OUTCOMES, [])
    if not outcomes:
        return
    by_target: dict[Target, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_target[outcome.target].append(outcome)
    terminalreporter.section("workbook")
    for target, target_outcomes in by_target.items():
        for line in conclude(target, target_outcomes):
            terminalreporter.write_line(line)

