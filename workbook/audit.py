"""`workbook audit`: grade any FastAPI service against the kit's portable rules.

A portable check (`@check("25.1", portable=True)`) knows nothing of its lesson's domain: it
reads the app's OpenAPI document and sends generic requests. The audit loads the team's app
the way the grader loads a lesson (a supervised process per check, a time limit, broken
imports and hangs reported plainly), runs every selected portable check and reports by rule.

    workbook audit app.main:app
    workbook audit --factory app.main:create_app --format markdown --select 09,25 --ignore 24.2
    workbook audit app.main:app --production-env APP_ENVIRONMENT=production

Settings may also live in the project's pyproject.toml:

    [tool.workbook.audit]
    app = "app.main:app"
    select = ["09", "25"]
    ignore = {"24.2" = "no browser calls this API"}   # or a list of ids
    production-env = {APP_ENVIRONMENT = "production"}  # how the app runs in production

Safe by default: without `--allow-writes` the audit's clients send only GET, HEAD and OPTIONS,
and writes marked as ones the app must refuse before any handler runs (a wrong method, a body
that is not JSON or is over the size limit); any other write ends its check as not applicable
("run with --allow-writes"). Run it against a test database anyway.
Exit status: 0 when every selected rule passes or does not apply, 1 when one fails, 2 when the
app cannot be audited at all.
"""

import argparse
import json
import os
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workbook import supervisor
from workbook.harness import (
    ALLOW_WRITES_VARIABLE,
    PRODUCTION_ENV_VARIABLE,
    Check,
    CheckSpec,
    check,
    expect,
    load_checks,
)
from workbook.lessons import Lesson, MetadataError, Rule, find_kit_root, loadable_lessons
from workbook.outcome import Outcome, Status
from workbook.report import format_outcome, rule_url
from workbook.targets import Target, TargetKind

FORMATS = ("text", "markdown", "json")


def kit_data_root() -> Path:
    """Where the lessons' metadata and checks are: shipped in the package, or this clone."""
    shipped = Path(__file__).resolve().parent / "kit"
    if (shipped / "lessons").is_dir():
        return shipped
    return find_kit_root(Path(__file__).resolve().parent)


@dataclass
class Settings:
    app: str = ""
    is_factory: bool = False
    select: list[str] = field(default_factory=list)
    ignore: dict[str, str] = field(default_factory=dict)  # rule or lesson id -> reason
    allow_writes: bool = False
    output_format: str = "text"
    # The settings that make the app run as in production (rule 42.6 reads the docs there).
    production_env: dict[str, str] = field(default_factory=dict)


def read_settings(args: argparse.Namespace, project: Path) -> Settings:
    """pyproject.toml's [tool.workbook.audit], then the command line on top."""
    settings = Settings()
    try:
        data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    table = data.get("tool", {}).get("workbook", {}).get("audit", {})
    if isinstance(table, dict):
        settings.app = str(table.get("app") or table.get("factory") or "")
        settings.is_factory = "factory" in table
        settings.select = [str(item) for item in table.get("select", [])]
        ignored = table.get("ignore", {})
        settings.ignore = (
            {str(key): str(value) for key, value in ignored.items()}
            if isinstance(ignored, dict)
            else {str(item): "ignored in pyproject.toml" for item in ignored}
        )
        settings.allow_writes = bool(table.get("allow-writes", False))
        settings.output_format = str(table.get("format", "text"))
        production = table.get("production-env", {})
        if isinstance(production, dict):
            settings.production_env = {str(k): str(v) for k, v in production.items()}
    if args.factory:
        settings.app, settings.is_factory = args.factory, True
    elif args.app:
        settings.app, settings.is_factory = args.app, False
    if args.select:
        settings.select = _ids(args.select)
    for rule_id in _ids(args.ignore or ""):
        settings.ignore[rule_id] = "ignored on the command line"
    settings.allow_writes = settings.allow_writes or args.allow_writes
    settings.output_format = args.format or settings.output_format
    for assignment in args.production_env or []:
        name, _, value = assignment.partition("=")
        settings.production_env[name.strip()] = value
    return settings


def _ids(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _matches(rule_id: str, selectors: list[str] | dict[str, str]) -> str | None:
    for selector in selectors:
        if rule_id == selector or rule_id.split(".")[0] == selector.zfill(2):
            return selector
    return None


@dataclass(frozen=True)
class Planned:
    lesson: Lesson
    spec: CheckSpec


def plan(settings: Settings) -> tuple[list[Planned], dict[str, str]]:
    """The portable checks to run, and the rules left out with why."""
    planned, skipped = [], {}
    for lesson in loadable_lessons(kit_data_root()):
        try:
            specs = load_checks(lesson)
        except (OSError, ImportError, MetadataError):
            continue
        for spec in specs:
            if not spec.portable:
                continue
            if settings.select and _matches(spec.rule, settings.select) is None:
                continue
            ignored = _matches(spec.rule, settings.ignore)
            if ignored is not None:
                skipped[spec.rule] = settings.ignore[ignored]
                continue
            planned.append(Planned(lesson, spec))
    return planned, skipped


@check("00.0")
async def the_app_serves_its_openapi_document(ctx: Check) -> None:
    """The app imports, starts its lifespan and serves its OpenAPI document."""
    path = getattr(ctx.app(), "openapi_url", "/openapi.json")
    expect(
        path is not None,
        expected="the OpenAPI document, where the audit finds the routes; this app has "
        "openapi_url=None (a production setting?): audit it with the settings of a test run",
        got="no OpenAPI document",
    )
    async with ctx.client() as client:
        response = await client.get(str(path))
    expect(
        response.status_code == 200,
        expected=f"the OpenAPI document at {path} (the audit finds routes there)",
        got=response,
        response=response,
    )


def audited_target(lesson: Lesson, settings: Settings, project: Path) -> Target:
    # The team's service sets up its own database: the audit starts none.
    bare = replace(lesson, services=())
    return Target(
        bare,
        TargetKind.AUDITED,
        project,
        app_reference=settings.app,
        is_factory=settings.is_factory,
    )


def run(settings: Settings, project: Path) -> tuple[int, str]:
    """Audit the app; the exit status and the report."""
    if ":" not in settings.app:
        return 2, "workbook audit: name the app as module:attribute, e.g. app.main:app"
    planned, skipped = plan(settings)
    if not planned:
        return 2, "workbook audit: no portable check is selected"
    if settings.allow_writes:
        os.environ[ALLOW_WRITES_VARIABLE] = "1"
    if settings.production_env:
        os.environ[PRODUCTION_ENV_VARIABLE] = json.dumps(settings.production_env)
    probe_lesson = planned[0].lesson
    probe_spec: CheckSpec = the_app_serves_its_openapi_document.__workbook_check__  # type: ignore[attr-defined]
    probe_lesson = replace(probe_lesson, rules=(*probe_lesson.rules, _PROBE_RULE))
    probe = supervisor.run_supervised(
        probe_spec, audited_target(probe_lesson, settings, project), "none"
    )
    if not probe.passed:
        failure = probe.failure
        said = f"expected {failure.expected}; got {failure.got}" if failure else ""
        reason = probe.error or said
        return 2, f"workbook audit: {settings.app} cannot be audited: {reason}"
    jobs = [
        supervisor.Job(item.spec, audited_target(item.lesson, settings, project), "none")
        for item in planned
    ]
    outcomes = list(supervisor.run_many(jobs, workers=os.cpu_count() or 1))
    order = {(item.spec.rule, item.spec.name): index for index, item in enumerate(planned)}
    outcomes.sort(key=lambda outcome: order[(outcome.spec.rule, outcome.spec.name)])
    report = render(outcomes, skipped, settings)
    failed = any(outcome.status in (Status.FAILED, Status.ERROR) for outcome in outcomes)
    return (1 if failed else 0), report


_PROBE_RULE = Rule("00.0", "The app can be audited", "Point the audit at the ASGI app.", ("000",))


def _by_rule(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    grouped: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        grouped[outcome.spec.rule].append(outcome)
    return grouped


def _verdict(outcomes: list[Outcome]) -> str:
    statuses = {outcome.status for outcome in outcomes}
    if statuses & {Status.FAILED, Status.ERROR, Status.BLOCKED}:
        return "failed"
    if statuses == {Status.NOT_APPLICABLE}:
        return "not applicable"
    return "passed"


def render(outcomes: list[Outcome], skipped: dict[str, str], settings: Settings) -> str:
    if settings.output_format == "json":
        return json.dumps(as_json(outcomes, skipped, settings), indent=2)
    if settings.output_format == "markdown":
        return as_markdown(outcomes, skipped, settings)
    return as_text(outcomes, skipped, settings)


def as_json(
    outcomes: list[Outcome], skipped: dict[str, str], settings: Settings
) -> dict[str, Any]:
    rules = []
    for rule_id, rule_outcomes in _by_rule(outcomes).items():
        lesson = rule_outcomes[0].target.lesson
        rule = lesson.rule(rule_id)
        rules.append(
            {
                "rule": rule_id,
                "title": rule.title,
                "verdict": _verdict(rule_outcomes),
                "docs": rule_url(lesson, rule),
                "checks": [
                    {
                        "check": outcome.spec.name,
                        "proves": outcome.spec.title,
                        "status": outcome.status.value,
                        "report": "" if outcome.passed else format_outcome(outcome),
                    }
                    for outcome in rule_outcomes
                ],
            }
        )
    return {
        "app": settings.app,
        "rules": rules,
        "ignored": [{"rule": rule, "reason": reason} for rule, reason in skipped.items()],
    }


def as_text(outcomes: list[Outcome], skipped: dict[str, str], settings: Settings) -> str:
    lines = [f"workbook audit of {settings.app}", ""]
    failures = []
    for rule_id, rule_outcomes in _by_rule(outcomes).items():
        rule = rule_outcomes[0].target.lesson.rule(rule_id)
        verdict = _verdict(rule_outcomes)
        lines.append(f"{verdict:<15} {rule_id}  {rule.title}")
        for outcome in rule_outcomes:
            if outcome.status is Status.NOT_APPLICABLE:
                lines.append(f"{'':<15}        not applicable: {outcome.error}")
            elif not outcome.passed:
                failures.append(outcome)
    for rule_id, reason in skipped.items():
        lines.append(f"{'ignored':<15} {rule_id}  ({reason})")
    for outcome in failures:
        lines += ["", "-" * 72, format_outcome(outcome)]
    return "\n".join(lines)


def as_markdown(outcomes: list[Outcome], skipped: dict[str, str], settings: Settings) -> str:
    icons = {"passed": "✅ passed", "failed": "❌ failed", "not applicable": "n/a"}
    lines = [
        f"### `workbook audit` of `{settings.app}`",
        "",
        "| rule | verdict | title |",
        "|---|---|---|",
    ]
    failures = []
    for rule_id, rule_outcomes in _by_rule(outcomes).items():
        lesson = rule_outcomes[0].target.lesson
        rule = lesson.rule(rule_id)
        url = rule_url(lesson, rule)
        cited = f"[{rule_id}]({url})" if url else rule_id
        lines.append(f"| {cited} | {icons[_verdict(rule_outcomes)]} | {rule.title} |")
        failures += [outcome for outcome in rule_outcomes if _verdict([outcome]) == "failed"]
    for rule_id, reason in skipped.items():
        lines.append(f"| {rule_id} | ignored | {reason} |")
    for outcome in failures:
        lines += [
            "",
            f"<details><summary>{outcome.spec.rule}: {outcome.spec.title}</summary>",
            "",
            "```text",
            format_outcome(outcome),
            "```",
            "</details>",
        ]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app", nargs="?", help="module:attribute of the ASGI app")
    parser.add_argument("--factory", help="module:function that builds the app")
    parser.add_argument("--format", choices=FORMATS, help="text (default), markdown or json")
    parser.add_argument("--select", help="rules or lessons to run, e.g. 09,25,24.1")
    parser.add_argument("--ignore", help="rules or lessons to leave out, e.g. 24.2")
    parser.add_argument(
        "--allow-writes",
        action="store_true",
        help="let checks send requests that may change data (use a test database)",
    )
    parser.add_argument(
        "--production-env",
        action="append",
        metavar="NAME=VALUE",
        help="a setting that makes the app run as in production (repeat for more), e.g. "
        "APP_ENVIRONMENT=production: rule 42.6 checks the docs are hidden then",
    )


def main(args: argparse.Namespace) -> int:
    project = Path.cwd()
    sys.path.insert(0, str(project))
    settings = read_settings(args, project)
    status, report = run(settings, project)
    stream = sys.stdout if status != 2 else sys.stderr
    print(report, file=stream)
    return status
