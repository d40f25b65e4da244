"""Words for the learner: a failed check, a lesson's score, a link to a rule."""

from workbook.harness import trim
from workbook.lessons import Lesson, Rule
from workbook.links import citation, lesson_url, rule_file, rule_url, site_url

__all__ = ["citation", "format_outcome", "lesson_url", "rule_url", "score_line", "site_url"]
from workbook.outcome import Outcome, Status


def format_outcome(outcome: Outcome, *, docs_root: str | None = None) -> str:
    """The whole message for a check that did not pass (`docs_root` overrides the site URL)."""
    lesson = outcome.target.lesson
    rule = lesson.rule(outcome.spec.rule)
    backend = f" [{outcome.backend}]" if outcome.backend == "postgresql" else ""
    if outcome.status is Status.BLOCKED:
        return _format_blocked(outcome, backend, docs_root)
    lines = [
        f"rule {rule.id}: {rule.title}",
        f"check: {outcome.spec.title}{backend}",
        *_where_to_read(lesson, rule, docs_root),
        "",
    ]
    if outcome.status is Status.FAILED and outcome.failure is not None:
        failure = outcome.failure
        if failure.sent:
            lines += _field("sent", failure.sent)
        lines += _field("expected", failure.expected)
        lines += _field("got", failure.got)
        if failure.note:
            lines += _field("note", failure.note)
    else:
        lines += _field("error", outcome.error)
    for app_error in outcome.app_errors[:2]:
        lines += _field("app raised", trim(app_error, 400))
    for note in outcome.notes:
        lines += _field("also", note)
    if outcome.halts:
        # The rule's hint would be about something else: the code has to run first.
        lines += _field("hint", "fix this first: no check of the lesson can run until it does")
    elif outcome.code_bug:
        lines += _field("hint", f"fix this first: rule {rule.id} can be judged once the code runs")
    else:
        lines += _field("hint", rule.hint)
    return "\n".join(lines)


def _where_to_read(lesson: Lesson, rule: Rule, docs_root: str | None) -> list[str]:
    url = rule_url(lesson, rule, docs_root)
    return [*([f"docs: {url}"] if url else []), f"read: {rule_file(lesson, rule)}"]


def _format_blocked(outcome: Outcome, backend: str, docs_root: str | None) -> str:
    """A check that could not run: blame the rule whose shape is missing, with its hint."""
    lesson = outcome.target.lesson
    checked = lesson.rule(outcome.spec.rule)
    if not outcome.blocked_by:  # the app never started in an earlier check
        return "\n".join(
            [
                f"rule {checked.id}: {checked.title}",
                f"check: {outcome.spec.title}{backend}",
                "",
                *_field("blocked", outcome.error),
            ]
        )
    try:
        blocking = lesson.rule(outcome.blocked_by)
    except KeyError:
        blocking = checked
    lines = [
        f"rule {checked.id}: {checked.title}",
        f"check: {outcome.spec.title}{backend}",
        f"blocked: rule {blocking.id} ({blocking.title}) asks for a shape that is missing",
        *_where_to_read(lesson, blocking, docs_root),
        "",
        *_field("missing", outcome.error),
        *_field("hint", blocking.hint),
    ]
    return "\n".join(lines)


LINE_LIMIT = 300  # one header of 5,000 characters must not fill the screen


def _field(label: str, text: str) -> list[str]:
    first, *rest = [trim(line, LINE_LIMIT) for line in (text or "(nothing)").splitlines()] or [""]
    width = 10
    return [f"{label + ':':<{width}} {first}", *(f"{'':<{width}} {line}" for line in rest)]


def score_line(lesson: Lesson, passed: int, total: int, *, kind: str, untouched: bool) -> str:
    label = f"{kind} {lesson.number} {lesson.slug}"
    if untouched:
        return f"{label}: not started - the starter as shipped passes {passed} of {total} checks"
    verdict = " - done" if passed == total else ""
    return f"{label}: {passed} of {total} checks pass{verdict}"
