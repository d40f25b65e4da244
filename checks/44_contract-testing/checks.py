"""Checks for lesson 44: property-based contract tests from the app's own OpenAPI document.

Schemathesis reads the app's `/openapi.json` and generates requests for every operation,
valid ones (positive) and ones the schema forbids (negative), from a fixed seed and a bounded
number of examples, so every run sends the same requests. The checks send them in-process
over ASGI with the lifespan running, then let schemathesis judge each answer.
"""

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from workbook.harness import Blocked, Check, check, expect, json_body

SEED = 44
# Examples per operation: hypothesis reaches edge values (0, -1, empty) after about a dozen.
EXAMPLES = {"positive": 20, "negative": 8}
SAFE_METHODS = ("GET", "HEAD")
SKIPPED_HEADERS = {"user-agent", "accept-encoding", "connection", "x-schemathesis-testcaseid"}
MAX_REPORTED = 3


@dataclass(frozen=True)
class Generated:
    """One request schemathesis generated, with the case that judges its answer."""

    label: str  # "GET /tasks"
    mode: str  # "positive" or "negative"
    case: Any
    kwargs: dict[str, Any]


@dataclass
class Finding:
    label: str
    mode: str
    problem: str
    response: httpx.Response


@dataclass
class ContractRun:
    sent: int
    findings: list[Finding]


_CACHE: dict[tuple[str, tuple[str, ...]], list[Generated]] = {}


def generate(
    document: dict[str, Any], methods: Sequence[str] | None, scratch: Path
) -> list[Generated]:
    """The requests schemathesis generates for the document: fixed seed, bounded examples."""
    from hypothesis.configuration import set_hypothesis_home_dir

    # Hypothesis keeps a cache under ./.hypothesis; not in the learner's lesson folder.
    set_hypothesis_home_dir(scratch / ".hypothesis")
    key = (json.dumps(document, sort_keys=True), tuple(methods or ()))
    if key not in _CACHE:
        with no_local_constants():
            _CACHE[key] = _generate(document, methods)
    return _CACHE[key]


@contextlib.contextmanager
def no_local_constants() -> Iterator[None]:
    """Keep Hypothesis from mixing in constants found in whatever local modules are loaded.

    Hypothesis draws some values from literals in the "local" (non site-packages) modules
    imported so far; which modules those are differs between processes, and so would the
    generated requests. Without them, the same seed sends the same requests everywhere.
    """
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - another Hypothesis layout: nothing to switch off
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    if original is None or not hasattr(providers, "Constants"):
        yield
        return
    empty = providers.Constants()
    providers.CONSTANTS_CACHE.cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()


def _generate(document: dict[str, Any], methods: Sequence[str] | None) -> list[Generated]:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.core.result import Ok

    schema = schemathesis.openapi.from_dict(document)
    generated: list[Generated] = []
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            expect(False, expected="every operation of the document readable by schemathesis",
                   got=str(result.err()))
            continue
        operation = result.ok()
        if methods is not None and operation.method.upper() not in methods:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            cases: list[Any] = []

            @seed(SEED)
            @settings(
                max_examples=EXAMPLES[mode.value],
                database=None,
                deadline=None,
                derandomize=False,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
                print_blob=False,
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def collect(case: Any) -> None:
                cases.append(case)  # noqa: B023 - collect() runs before the loop moves on

            try:
                collect()
            except Unsatisfiable:
                continue  # nothing to negate (an operation without parameters or body)
            label = f"{operation.method.upper()} {operation.path}"
            generated.extend(
                Generated(label, mode.value, case, transport_kwargs(case)) for case in cases
            )
    return generated


def transport_kwargs(case: Any) -> dict[str, Any]:
    """The case as keyword arguments for httpx, without schemathesis' bookkeeping headers."""
    raw = case.as_transport_kwargs(base_url="http://testserver")
    kwargs: dict[str, Any] = {
        "method": raw["method"],
        "url": raw["url"],
        "headers": {
            name: value
            for name, value in (raw.get("headers") or {}).items()
            if name.lower() not in SKIPPED_HEADERS
        },
        "params": raw.get("params") or {},
    }
    if "json" in raw:
        kwargs["json"] = raw["json"]
    elif raw.get("data") is not None:
        data = raw["data"]
        kwargs["content"] = data if isinstance(data, bytes | str) else json.dumps(data)
    return kwargs


def judge_with(
    checks: list[Callable[..., Any]], *, is_5xx_judged: bool
) -> Callable[[Generated, httpx.Response], str]:
    from schemathesis.core.failures import FailureGroup

    def judge(generated: Generated, response: httpx.Response) -> str:
        if response.status_code >= 500 and not is_5xx_judged:
            return ""  # server errors are rule 44.1's
        try:
            generated.case.validate_response(response, checks=checks)
        except FailureGroup as group:
            return "; ".join(summary(failure) for failure in group.exceptions)
        return ""

    return judge


def summary(failure: Any) -> str:
    """A failure's title and the first paragraph of its message (no schema dumps)."""
    message = str(failure.message or "").strip().split("\n\n")[0].replace("\n", "; ")
    return f"{failure.title}: {message}" if message else str(failure.title)


async def contract_run(
    ctx: Check,
    rule: str,
    checks: list[Callable[..., Any]],
    methods: Sequence[str] | None = None,
) -> ContractRun:
    async with ctx.client() as client:
        response = await client.get("/openapi.json")
        if response.status_code != 200:
            raise Blocked(rule, f"GET /openapi.json answered {response.status_code}")
        document: dict[str, Any] = json_body(response)
        cases = generate(document, methods, ctx.tmp_path)
        judge = judge_with(checks, is_5xx_judged=rule == "44.1")
        findings: list[Finding] = []
        seen: set[tuple[str, str]] = set()
        for generated in cases:
            answer = await client.request(**generated.kwargs)
            problem = judge(generated, answer)
            if problem and (generated.label, problem[:40]) not in seen:
                seen.add((generated.label, problem[:40]))
                findings.append(Finding(generated.label, generated.mode, problem, answer))
    return ContractRun(len(cases), findings)


def expect_no_findings(run: ContractRun, expected: str) -> None:
    if not run.findings:
        expect(run.sent > 0, expected="schemathesis to generate requests", got="none")
        return
    first = run.findings[0]
    others = [
        f"{finding.label} ({finding.mode}): {finding.problem}"
        for finding in run.findings[1:MAX_REPORTED]
    ]
    extra = len(run.findings) - 1
    expect(
        False,
        expected=expected,
        got=f"{first.label} ({first.mode} example): {first.problem}\n"
        f"answer: {first.response.status_code} {first.response.text[:300]}",
        response=first.response,
        note=f"{extra} more finding(s)" + (": " + "\n".join(others) if others else "")
        if extra
        else f"schemathesis sent {run.sent} requests (seed {SEED}, "
        f"{EXAMPLES['positive']} valid and {EXAMPLES['negative']} invalid per operation)",
    )


def server_error_checks() -> list[Callable[..., Any]]:
    from schemathesis.checks import not_a_server_error

    return [not_a_server_error]


def conformance_checks() -> list[Callable[..., Any]]:
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [status_code_conformance, content_type_conformance, response_schema_conformance]


@check("44.1", portable=True, timeout=90)
async def no_generated_safe_request_gets_a_server_error(ctx: Check) -> None:
    """Schemathesis' GET requests (valid and invalid, fixed seed) never get a 5xx."""
    run = await contract_run(ctx, "44.1", server_error_checks(), SAFE_METHODS)
    expect_no_findings(run, "no 5xx answer to any generated GET request")


@check("44.1", timeout=90)
async def no_generated_request_gets_a_server_error(ctx: Check) -> None:
    """Schemathesis' requests to every operation (valid and invalid) never get a 5xx."""
    run = await contract_run(ctx, "44.1", server_error_checks())
    expect_no_findings(run, "no 5xx answer to any generated request")


# Schemathesis' fuzzing sends each operation alone: most ids it makes up name no task, so the
# success answers of the routes that need an existing task are seldom judged. This sequence
# reaches them: each answer is judged against its operation as a generated one is.
SEQUENCE = (
    ("POST", "/tasks", "/tasks", {"title": "Judge every answer"}),
    ("GET", "/tasks/{task_id}", "/tasks/{id}", None),
    ("POST", "/tasks/{task_id}/complete", "/tasks/{id}/complete", None),
    ("POST", "/tasks/{task_id}/complete", "/tasks/{id}/complete", None),
    ("GET", "/tasks", "/tasks", None),
    ("DELETE", "/tasks/{task_id}", "/tasks/{id}", None),
    ("GET", "/tasks/{task_id}", "/tasks/{id}", None),
)


async def sequence_findings(
    client: httpx.AsyncClient, cases: list[Generated], checks: list[Callable[..., Any]]
) -> list[Finding]:
    """Create a task, then read, complete (twice), list and delete it; judge every answer."""
    by_label = {generated.label: generated for generated in reversed(cases)}
    judge = judge_with(checks, is_5xx_judged=False)
    findings: list[Finding] = []
    task_id: object = None
    for method, template, path, body in SEQUENCE:
        generated = by_label.get(f"{method} {template}")
        if generated is None:
            continue
        url = path.replace("{id}", str(task_id))
        answer = await client.request(method, url, json=body) if body else await client.request(
            method, url
        )
        if task_id is None:
            try:
                created = answer.json() if answer.status_code == 201 else {}
            except ValueError:
                created = {}
            task_id = created.get("id") if isinstance(created, dict) else None
            if task_id is None:
                return findings
        problem = judge(generated, answer)
        if problem:
            findings.append(Finding(f"{method} {template}", "sequence", problem, answer))
    return findings


@check("44.2", timeout=90)
async def every_answer_matches_its_documented_response(ctx: Check) -> None:
    """Each answer's status, media type and body are the ones its operation documents."""
    run = await contract_run(ctx, "44.2", conformance_checks())
    async with ctx.client() as client:
        response = await client.get("/openapi.json")
        cases = generate(json_body(response), None, ctx.tmp_path)
        run.findings.extend(await sequence_findings(client, cases, conformance_checks()))
        run.sent += len(SEQUENCE)
    expect_no_findings(
        run,
        "every answer to a documented status, with its documented media type, and a body "
        "that validates against the documented schema",
    )


OPERATIONS = {
    ("post", "/tasks"),
    ("get", "/tasks"),
    ("get", "/tasks/{task_id}"),
    ("post", "/tasks/{task_id}/complete"),
    ("delete", "/tasks/{task_id}"),
}


@check("44.2", baseline=True)
async def every_route_stays_in_the_contract(ctx: Check) -> None:
    """The document still lists all five task operations (hiding one hides it from the tests)."""
    async with ctx.client() as client:
        response = await client.get("/openapi.json")
    document = json_body(response)
    listed = {
        (method, path)
        for path, item in (document.get("paths") or {}).items()
        for method in item
    }
    missing = sorted(f"{method.upper()} {path}" for method, path in OPERATIONS - listed)
    expect(
        not missing,
        expected="every route of the service in /openapi.json (include_in_schema stays True)",
        got=f"missing: {', '.join(missing)}",
        response=response,
    )
