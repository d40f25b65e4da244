"""Grade a whole lesson and conclude: the summary a learner reads, and what progress keeps.

Shared by `pytest lessons/NN` (the plugin's summary), `workbook watch` and the progress table,
so the three never disagree about a lesson.
"""

import os
from collections.abc import Iterator

from workbook import progress, supervisor
from workbook.harness import load_checks
from workbook.integrity import changed_grading_files, restore_hint
from workbook.lessons import Lesson
from workbook.outcome import Outcome
from workbook.report import score_line
from workbook.runner import backends_for
from workbook.targets import Target, TargetKind, is_untouched


def jobs_for(target: Target) -> list[supervisor.Job]:
    lesson = target.lesson
    return [
        supervisor.Job(spec, target, backend)
        for spec in load_checks(lesson)
        for backend in backends_for(lesson)
    ]


def grade(target: Target, *, workers: int | None = None) -> Iterator[Outcome]:
    """Every check of the target's lesson, several processes at a time; in completion order."""
    supervisor.forget_hangs()
    yield from supervisor.run_many(jobs_for(target), workers=workers or os.cpu_count() or 1)


def expected_total(lesson: Lesson) -> int:
    return len(load_checks(lesson)) * len(backends_for(lesson))


def conclude(target: Target, outcomes: list[Outcome]) -> list[str]:
    """The summary lines for one target; a learner's full, trusted run is recorded."""
    lesson = target.lesson
    passed = sum(outcome.passed for outcome in outcomes)
    is_learner = target.kind is TargetKind.LEARNER
    untouched = is_learner and is_untouched(lesson)
    kind = "lesson" if is_learner else target.kind.value
    lines = [score_line(lesson, passed, len(outcomes), kind=kind, untouched=untouched)]
    if not is_learner:
        return lines
    changed = changed_grading_files(lesson)
    full = expected_total(lesson)
    if changed:
        lines.append("  " + restore_hint(lesson, changed))
    elif len(outcomes) < full:
        lines.append(
            f"  a partial run ({len(outcomes)} of {full} checks): your progress keeps the "
            "lesson's last full verdict"
        )
    else:
        progress.record(lesson, passed, len(outcomes), untouched=untouched)
    return lines
