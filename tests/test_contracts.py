"""Every solution keeps its own contract: select with `pytest tests -k contract`.

For each lesson, schemathesis generates requests for every operation in the solution's OpenAPI
document (valid ones and ones validation must refuse; a fixed seed, a few per operation) and
sends them in-process, through the grader's supervisor (the lesson's isolation, a fresh
database, its lifespan run, a time limit; every lesson's run in one batch, a process per core),
with httpx over ASGI. Every response must:

- not be a 5xx;
- have a status code the operation documents (explicitly, or through `4XX` / `default`);
- have a body (and content type) that validates against the schema documented for it.

A lesson whose solution teaches an undocumented-looking answer may accept it, in lesson.toml:

    [contract]
    allow = ["GET /reports/overdue 500"]     # "METHOD /path/template STATUS", only if truly needed
    env = { APP_SIGNING_KEY = "..." }        # environment the app needs to start

A solution with an `alembic.ini` has `alembic upgrade head` run on its database first.
"""

import asyncio
import contextlib
import io
import logging
import os
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from workbook import supervisor
from workbook.harness import (
    Check,
    CheckSpec,
    RuleViolation,
    describe_request,
    describe_response,
    json_body,
)
from workbook.lessons import Lesson, find_kit_root, loadable_lessons
from workbook.runner import Outcome, Status, backends_for
from workbook.targets import solution_target

KIT_ROOT = find_kit_root(Path(__file__).parent)
LESSONS = loadable_lessons(KIT_ROOT)

EXAMPLES_PER_MODE = 12  # per operation, once valid and once invalid: a few seconds per lesson
TIMEOUT_SECONDS = 90.0
SHOWN_PER_OPERATION = 2  # distinct problems printed per operation and kind
BASE_URL = "http://testserver"


@dataclass
class Contract:
    """What lesson.toml's `[contract]` table says, and what the run found."""

    allowed: frozenset[tuple[str, str, int]] = frozenset()
    env: dict[str, str] = field(default_factory=dict)
    sent: int = 0
    problems: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, operation: str, kind: str, text: str) -> None:
        self.problems.setdefault((operation, kind), []).append(text)


def read_contract(lesson: Lesson) -> Contract:
    metadata = tomllib.loads((lesson.lesson_dir / "lesson.toml").read_text(encoding="utf-8"))
    table = metadata.get("contract", {})
    allowed = set()
    for entry in table.get("allow", []):
        method, path, status = entry.split()
        allowed.add((method.upper(), path, int(status)))
    return Contract(allowed=frozenset(allowed), env=dict(table.get("env", {})))


@contextlib.contextmanager
def process_state_kept() -> Iterator[None]:
    """Undo what an Alembic env.py may do to the process: sys.path entries, logging set-up."""
    path = list(sys.path)
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    try:
        yield
    finally:
        sys.path[:] = path
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]


async def migrate(ctx: Check) -> None:
    """`alembic upgrade head` on the check's database, for a solution that migrates."""
    ini = ctx.root / "alembic.ini"
    if not ini.is_file():
        return
    from alembic import command
    from alembic.config import Config

    config = Config(str(ini), stdout=io.StringIO(), attributes={"configure_logger": False})
    location = config.get_main_option("script_location") or ""
    if location and ":" not in location and not Path(location).is_absolute():
        config.set_main_option("script_location", str(ctx.root / location))
    with process_state_kept():
        await asyncio.to_thread(command.upgrade, config, "head")


def generated_cases(operation: Any, mode: Any) -> list[Any]:
    """A fixed list of cases for one operation: same seed, same cases, on every run."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable

    cases: list[Any] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def collect(case: Any) -> None:
        cases.append(case)

    with contextlib.suppress(Unsatisfiable):  # no invalid request can be built for it
        collect()
    return cases


def httpx_arguments(case: Any) -> dict[str, Any]:
    """schemathesis serializes for `requests`; the same request for httpx."""
    arguments: dict[str, Any] = case.as_transport_kwargs(base_url=BASE_URL)
    arguments.pop("cookies", None)  # set on the client below, as httpx wants them
    for name in ("Accept-Encoding", "Connection", "X-Schemathesis-TestCaseId"):
        arguments["headers"].pop(name, None)
    data = arguments.pop("data", None)
    if isinstance(data, (bytes, str)):
        arguments["content"] = data
    elif data is not None:
        arguments["data"] = data
    return arguments


def response_failures(case: Any, response: httpx.Response) -> list[str]:
    """Status, content type and body against the document, by schemathesis' own checks."""
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.specs.openapi import checks

    try:
        case.validate_response(
            response,
            checks=[
                checks.status_code_conformance,
                checks.content_type_conformance,
                checks.response_schema_conformance,
            ],
        )
    except FailureGroup as group:
        return [f"{failure.title}: {failure.message}".strip() for failure in group.exceptions]
    except Failure as failure:
        return [f"{failure.title}: {failure.message}".strip()]
    return []


async def send_every_operation(ctx: Check, contract: Contract) -> None:
    import schemathesis
    from schemathesis.core.result import Err

    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    async with ctx.client() as client:
        document = json_body(await client.get("/openapi.json"))
        schema = schemathesis.openapi.from_dict(document)
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                contract.add("(document)", "invalid operation", str(result.err()))
                continue
            operation = result.ok()
            name = f"{operation.method.upper()} {operation.path}"
            for mode in modes:
                for case in generated_cases(operation, mode):
                    arguments = httpx_arguments(case)
                    client.cookies.clear()
                    client.cookies.update(case.cookies or {})
                    errors_before = len(ctx.app_errors)
                    response = await client.request(**arguments)
                    contract.sent += 1
                    status = response.status_code
                    if (operation.method.upper(), operation.path, status) in contract.allowed:
                        continue
                    found = response_failures(case, response)
                    if status >= 500:
                        escaped = [str(error.error) for error in ctx.app_errors[errors_before:]]
                        found.insert(0, "a server error" + (f" ({escaped[0]})" if escaped else ""))
                    for failure in found:
                        kind = failure.split(":", 1)[0]
                        contract.add(
                            name,
                            kind,
                            f"{mode.value} request:\n{indent(describe_request(response.request))}"
                            f"\n  response:\n{indent(describe_response(response))}"
                            f"\n  problem: {failure}",
                        )


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def contract_check(contract: Contract) -> CheckSpec:
    async def solution_keeps_its_contract(ctx: Check) -> None:
        for name, value in contract.env.items():
            ctx.setenv(name, value)
        await migrate(ctx)
        await send_every_operation(ctx, contract)
        # The check runs in a process of its own: its findings travel back as its failure.
        if not contract.sent:
            raise RuleViolation("requests generated for the operations", "none")
        if contract.problems:
            raise RuleViolation("every response documented and valid", report(ctx.lesson, contract))

    return CheckSpec("00.0", "contract", "contract", solution_keeps_its_contract, TIMEOUT_SECONDS)


def report(lesson: Lesson, contract: Contract) -> str:
    lines = [
        f"{lesson.name}: {contract.sent} requests, problems in {len(contract.problems)} "
        "operation/kind pairs"
    ]
    for (operation, kind), texts in sorted(contract.problems.items()):
        lines.append(f"\n== {operation}: {kind} ({len(texts)} responses)")
        lines.extend(texts[:SHOWN_PER_OPERATION])
    return "\n".join(lines)


@pytest.fixture(scope="session")
def contract_outcomes(
    selected_params: Callable[[str], list[dict[str, Any]]],
) -> dict[str, list[Outcome]]:
    """Every selected lesson's contract run, on each backend, several processes at a time."""
    chosen = [params["lesson"] for params in selected_params("test_solution_keeps_its_contract")]
    jobs = [
        supervisor.Job(contract_check(read_contract(lesson)), solution_target(lesson), backend)
        for lesson in chosen
        for backend in backends_for(lesson)
    ]
    outcomes: dict[str, list[Outcome]] = {}
    for outcome in supervisor.run_many(jobs, workers=os.cpu_count() or 1):
        outcomes.setdefault(outcome.target.lesson.name, []).append(outcome)
    return outcomes


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_solution_keeps_its_contract(
    lesson: Lesson, contract_outcomes: dict[str, list[Outcome]]
) -> None:
    outcomes = contract_outcomes.get(lesson.name, [])
    assert len(outcomes) == len(backends_for(lesson)), f"not run: {outcomes}"
    for outcome in sorted(outcomes, key=lambda outcome: outcome.backend):
        backend = outcome.backend
        if outcome.status is Status.FAILED and outcome.failure is not None:
            pytest.fail(f"[{backend}] {outcome.failure.got}", pytrace=False)
        assert outcome.status is Status.PASSED, f"[{backend}] {outcome.error}"
