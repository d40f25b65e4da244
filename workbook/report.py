"""Words for the learner: a failed check, a lesson's score, a link to a rule."""

import re
from functools import cache
from pathlib import Path

from workbook.harness import trim
from workbook.lessons import Lesson, Rule
from workbook.outcome import Outcome, Status

DEFAULT_SITE_URL = "https://fastapi-workbook.example.org/"


@cache
def site_url(kit_root: Path) -> str:
    """The docs site's address, read from mkdocs.yml (`site_url:`) without a YAML parser."""
    try:
        text = (kit_root / "mkdocs.yml").read_text(encoding="utf-8")
    except FileNotFoundError:
        return DEFAULT_SITE_URL
    match = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
    url = match.group(1) if match else DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


def lesson_url(lesson: Lesson) -> str:
    return f"{site_url(lesson.kit_root)}lessons/{lesson.name}/"


def rule_url(lesson: Lesson, rule: Rule) -> str:
    return f"{lesson_url(lesson)}#{rule.anchor}"


def citation(lesson: Lesson, rule: Rule) -> str:
    """A Markdown link a reviewer pastes into a pull request."""
    return f"[lesson {lesson.number}, rule {rule.id}: {rule.title}]({rule_url(lesson, rule)})"


def format_outcome(outcome: Outcome) -> str:
    """The whole message for a check that did not pass."""
    lesson = outcome.target.lesson
    rule = lesson.rule(outcome.spec.rule)
    backend = f" [{outcome.backend}]" if outcome.backend != "sqlite" else ""
    if outcome.status is Status.BLOCKED:
        return _format_blocked(outcome, backend)
    lines = [
        f"rule {rule.id}: {rule.title}",
        f"check: {outcome.spec.title}{backend}",
        f"docs: {rule_url(lesson, rule)}",
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
    lines += _field("hint", rule.hint)
    return "\n".join(lines)


def _format_blocked(outcome: Outcome, backend: str) -> str:
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
        f"docs: {rule_url(lesson, blocking)}",
        "",
        *_field("missing", outcome.error),
        *_field("hint", blocking.hint),
    ]
    return "\n".join(lines)


def _field(label: str, text: str) -> list[str]:
    first, *rest = (text or "(nothing)").splitlines() or [""]
    width = 10
    return [f"{label + ':':<{width}} {first}", *(f"{'':<{width}} {line}" for line in rest)]


def score_line(lesson: Lesson, passed: int, total: int, *, kind: str, untouched: bool) -> str:
    label = f"{kind} {lesson.number} {lesson.slug}"
    if untouched:
        return f"{label}: not started - the starter as shipped passes {passed} of {total} checks"
    verdict = " - done" if passed == total else ""
    return f"{label}: {passed} of {total} checks pass{verdict}"
