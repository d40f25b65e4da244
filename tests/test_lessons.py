"""The kit's own proof, for every lesson it discovers (rustlings' maintainer check, grown up).

- the metadata is valid, rule ids are unique, every rule has a check and a heading;
- the pristine starter (as committed) imports and serves requests;
- the pristine starter fails every teaching check *by assertion*, and passes the baseline ones;
- the solution passes every check, on every configured database, without a warning;
- every rule has at least two known-wrong variants, each rejected, by assertion, by checks of
  that rule, with the learner-facing report stored as golden output beside the variant.
"""

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from workbook import supervisor
from workbook.golden import loosen, report_text
from workbook.harness import Check, CheckSpec, check, expect_status, load_checks
from workbook.lessons import (
    RULE_HEADING,
    Lesson,
    MetadataError,
    find_kit_root,
    lesson_dirs,
    load_lesson,
    loadable_lessons,
)
from workbook.report import format_outcome
from workbook.runner import Outcome, Status, backends_for, run_check
from workbook.targets import (
    Target,
    WrongVariant,
    pristine_target,
    solution_target,
    wrong_target,
    wrong_variants,
)

KIT_ROOT = find_kit_root(Path(__file__).parent)
FOLDERS = lesson_dirs(KIT_ROOT)
# A folder whose metadata does not load fails test_lesson_metadata_is_valid, alone.
LESSONS = loadable_lessons(KIT_ROOT)
def variants_of(lesson: Lesson) -> list[WrongVariant]:
    """A lesson's variants; a malformed one fails test_variants_load, alone."""
    try:
        return list(wrong_variants(lesson))
    except MetadataError:
        return []


VARIANTS = [(lesson, variant) for lesson in LESSONS for variant in variants_of(lesson)]


def lesson_id(lesson: Lesson) -> str:
    return lesson.name


def backend_is_configured(backend: str) -> bool:
    variable = {"postgresql": "WORKBOOK_POSTGRES_URL", "redis": "WORKBOOK_REDIS_URL"}[backend]
    return bool(os.environ.get(variable))


# The checks of one test run side by side, one process each: the machine's cores are busy,
# and the timing checks are built to hold under that load.
WORKERS = os.cpu_count() or 1


def grade_all(specs: list[CheckSpec], target: Target) -> list[Outcome]:
    """Every spec on every backend, in the specs' order (graded in parallel)."""
    supervisor.forget_hangs()
    jobs = [
        supervisor.Job(spec, target, backend)
        for spec in specs
        for backend in backends_for(target.lesson)
    ]
    order = {(job.spec.name, job.backend): index for index, job in enumerate(jobs)}
    outcomes = list(supervisor.run_many(jobs, workers=WORKERS))
    return sorted(outcomes, key=lambda outcome: order[(outcome.spec.name, outcome.backend)])


def explain(outcomes: list[Outcome]) -> str:
    return "\n\n".join(
        f"{outcome.spec.name} [{outcome.backend}] -> {outcome.status.value}\n"
        + format_outcome(outcome)
        for outcome in outcomes
    )


@pytest.fixture(params=LESSONS, ids=lesson_id)
def lesson(request: pytest.FixtureRequest) -> Lesson:
    chosen: Lesson = request.param
    return chosen


def test_lessons_are_discovered() -> None:
    assert LESSONS, "no lesson found under lessons/"


@pytest.mark.parametrize("folder", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_lesson_metadata_is_valid(folder: Path) -> None:
    load_lesson(folder)


def test_rule_ids_are_unique_across_the_kit() -> None:
    counts = Counter(rule.id for lesson in LESSONS for rule in lesson.rules)
    assert [rule_id for rule_id, count in counts.items() if count > 1] == []


def test_every_rule_has_a_teaching_check_and_every_check_a_rule(lesson: Lesson) -> None:
    specs = load_checks(lesson)
    declared = {rule.id for rule in lesson.rules}
    taught = {spec.rule for spec in specs if not spec.baseline}
    assert {spec.rule for spec in specs} - declared == set(), "checks cite undeclared rules"
    assert declared - taught == set(), "rules without a teaching check"
    assert len({spec.name for spec in specs}) == len(specs), "check names repeat"


def test_the_lesson_text_has_a_heading_per_rule(lesson: Lesson) -> None:
    text = (lesson.lesson_dir / "README.md").read_text(encoding="utf-8")
    headings = {match["id"]: match["title"] for match in RULE_HEADING.finditer(text)}
    expected = {rule.id: rule.title for rule in lesson.rules}
    assert headings == expected


def test_the_starters_file_list_is_current(lesson: Lesson) -> None:
    """checks/NN/starter.sha256 lists the starter as shipped, so `reset` and "not started"
    work without git and whatever the learner committed."""
    from workbook import pristine

    listed = pristine.shipped(lesson)
    assert listed is not None, f"run `python -m workbook.pristine write {lesson.number}`"
    assert listed == pristine.hashes(lesson.lesson_dir), (
        f"the starter changed: review, then `python -m workbook.pristine write {lesson.number}`"
    )


MIN_VARIANTS_PER_RULE = 2


def test_variants_load(lesson: Lesson) -> None:
    wrong_variants(lesson)


def test_every_lesson_has_a_solution(lesson: Lesson) -> None:
    assert (lesson.solution_dir / "app" / "main.py").is_file()


def test_every_rule_has_two_wrong_variants(lesson: Lesson) -> None:
    """Two different plausible mistakes per rule, each declaring the rule it breaks."""
    variants = wrong_variants(lesson)
    undeclared = [variant.name for variant in variants if not variant.rule]
    assert not undeclared, f"variant.toml without `rule = \"NN.K\"`: {undeclared}"
    counts = Counter(variant.rule for variant in variants)
    short = {
        rule.id: counts[rule.id]
        for rule in lesson.rules
        if counts[rule.id] < MIN_VARIANTS_PER_RULE
    }
    assert not short, f"rules with fewer than {MIN_VARIANTS_PER_RULE} wrong variants: {short}"


@check("00.1")
async def serves_openapi(ctx: Check) -> None:
    """The app starts and answers GET /openapi.json."""
    async with ctx.client() as client:
        expect_status(await client.get("/openapi.json"), 200)


def test_pristine_starter_serves_requests(lesson: Lesson) -> None:
    spec: CheckSpec = serves_openapi.__workbook_check__  # type: ignore[attr-defined]
    outcome = run_check(spec, pristine_target(lesson))
    assert outcome.status is Status.PASSED, outcome.error or outcome.failure


def test_pristine_starter_fails_every_teaching_check_by_assertion(lesson: Lesson) -> None:
    target = pristine_target(lesson)
    rule_ids = {rule.id for rule in lesson.rules}
    wrong: list[Outcome] = []
    for outcome in grade_all(list(load_checks(lesson)), target):
        if outcome.spec.baseline:
            is_expected = outcome.status is Status.PASSED
        else:
            # Blocked by another rule of the lesson counts: that rule's checks teach first.
            is_expected = outcome.status is Status.FAILED or (
                outcome.status is Status.BLOCKED and outcome.blocked_by in rule_ids
            )
        if not is_expected:
            wrong.append(outcome)
    assert not wrong, explain(wrong)


def test_solution_passes_every_check_without_warnings(lesson: Lesson) -> None:
    target = solution_target(lesson)
    outcomes = grade_all(list(load_checks(lesson)), target)
    failing = [outcome for outcome in outcomes if not outcome.passed]
    assert not failing, explain(failing)
    warned = sorted({warning for outcome in outcomes for warning in outcome.warnings})
    assert warned == []


class VariantGrades:
    """A lesson's variants graded together, at its first variant's test: the checks of many
    variants keep every core busy, where one variant's one or two checks would leave cores idle.
    """

    def __init__(self, selected: list[tuple[Lesson, WrongVariant]]) -> None:
        self.selected = selected
        self.by_lesson: dict[str, dict[str, list[Outcome]]] = {}

    def of(self, lesson: Lesson, variant: WrongVariant) -> list[Outcome]:
        if lesson.name not in self.by_lesson:
            self.by_lesson[lesson.name] = self._grade(lesson)
        return self.by_lesson[lesson.name].get(variant.name, [])

    def _grade(self, lesson: Lesson) -> dict[str, list[Outcome]]:
        specs = {spec.name: spec for spec in load_checks(lesson)}
        jobs = []
        for chosen, variant in self.selected:
            if chosen.name != lesson.name:
                continue
            if set(variant.caught_by) - set(specs) or not all(
                backend_is_configured(backend) for backend in variant.only_with
            ):
                continue  # the test itself says why
            target = wrong_target(lesson, variant)
            jobs += [
                supervisor.Job(specs[name], target, backend)
                for name in variant.caught_by
                for backend in backends_for(lesson)
            ]
        order = {
            (job.target.variant, job.spec.name, job.backend): n for n, job in enumerate(jobs)
        }
        supervisor.forget_hangs()
        outcomes = sorted(
            supervisor.run_many(jobs, workers=WORKERS),
            key=lambda outcome: order[
                (outcome.target.variant, outcome.spec.name, outcome.backend)
            ],
        )
        by_variant: dict[str, list[Outcome]] = {}
        for outcome in outcomes:
            by_variant.setdefault(outcome.target.variant, []).append(outcome)
        return by_variant


@pytest.fixture(scope="session")
def variant_grades(selected_params: Callable[[str], list[dict[str, Any]]]) -> VariantGrades:
    chosen = selected_params("test_wrong_variant_is_rejected_by_assertion")
    return VariantGrades([(params["lesson"], params["variant"]) for params in chosen])


@pytest.mark.parametrize(
    ("lesson", "variant"),
    VARIANTS,
    ids=[f"{lesson.name}-{variant.name}" for lesson, variant in VARIANTS],
)
def test_wrong_variant_is_rejected_by_assertion(
    lesson: Lesson, variant: WrongVariant, variant_grades: VariantGrades
) -> None:
    specs = {spec.name: spec for spec in load_checks(lesson)}
    unknown = set(variant.caught_by) - set(specs)
    assert not unknown, f"variant.toml names checks that do not exist: {sorted(unknown)}"
    other_rules = {name: specs[name].rule for name in variant.caught_by}
    other_rules = {name: rule for name, rule in other_rules.items() if rule != variant.rule}
    assert not other_rules, f"rule {variant.rule}'s variant is caught by other rules' checks"
    missing = [backend for backend in variant.only_with if not backend_is_configured(backend)]
    if missing:
        pytest.skip(f"this mistake shows only on {', '.join(missing)}, which is not configured")
    outcomes = variant_grades.of(lesson, variant)
    if "postgresql" in variant.only_with:
        outcomes = [outcome for outcome in outcomes if outcome.backend == "postgresql"]
    not_caught = [outcome for outcome in outcomes if outcome.status is not Status.FAILED]
    assert not not_caught, f"{variant.mistake}\n" + explain(not_caught)
    # The golden report: what the learner is told, exactly (SQLite's outcomes).
    first_backend = outcomes[0].backend if outcomes else "sqlite"
    report = report_text(lesson, [o for o in outcomes if o.backend == first_backend])
    assert variant.golden_file.is_file(), (
        f"no golden report: run `python -m workbook.golden {lesson.number} {variant.name}`"
    )
    stored = variant.golden_file.read_text(encoding="utf-8")
    assert loosen(report) == loosen(stored), (
        f"the report differs from {variant.golden_file.name}; review, then rewrite it with "
        f"`python -m workbook.golden {lesson.number} {variant.name}`"
    )
