"""Checks for lesson 10: typed, lint-clean code.

Most rules here are about source code, not behaviour, so the checks run the kit's own
tools on the learner's `app` package, with a configuration fixed here (a pyproject.toml or
mypy.ini in the project changes nothing), and sort their findings by fault class:

- ruff, `--isolated`, with the rule selection below, JSON output;
- mypy `--strict`, from a config file written for the run, with a shared cache under the
  kit's `.mypy_cache/` so a second grading only re-checks what changed;
- two small AST checks of this file, where no standard rule exists: uses of `typing.Any`
  anywhere (ruff's ANN401 sees only bare `Any` annotations) and boolean names without an
  auxiliary verb.

The tools run once per version of the code: every check of one grading reuses the result.
"""

import ast
import asyncio
import fcntl
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from workbook.harness import Check, check, expect, expect_status, json_body

RUFF_SELECT = (
    "E", "W", "F", "I", "N", "UP", "B", "ANN", "BLE", "FAST", "RUF", "SIM", "RET", "C4",
    "PIE", "T20", "ASYNC", "PGH",
)  # fmt: skip
RUFF_OPTIONS = (
    "--isolated",
    "--no-cache",
    # A `# noqa` comment silences a finding without fixing it: the checks read past it.
    "--ignore-noqa",
    "--select", ",".join(RUFF_SELECT),
    # The kit's own choice (pyproject.toml): `ProjectNotFound` needs no `Error` suffix.
    "--extend-ignore", "N818",
    "--line-length", "100",
    "--target-version", "py311",
    "--config", 'lint.isort.known-first-party = ["app"]',
)  # fmt: skip
MYPY_CONFIG = "[mypy]\nstrict = True\npython_version = 3.11\n"
MYPY_OPTIONS = ("--no-color-output", "--no-error-summary", "--hide-error-context", "--no-pretty")
# Below the check's own limit, so a stuck tool is named; mypy on a cold cache under load is slow.
TOOL_SECONDS = 150.0
SYNTAX_CODES = frozenset({"invalid-syntax", "syntax"})
SHOWN = 6  # findings listed in a failure; the message stays short enough to read whole
MESSAGE_WIDTH = 72

MYPY_LINE = re.compile(
    r"^(?P<path>[^:\n]+\.pyi?):(?P<line>\d+)(?::\d+)?: error: (?P<message>.*?)"
    r"(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)

# Prefixes that make a boolean read as a yes/no question (`is_done`, `has_mentions`).
AUXILIARY_VERBS = frozenset(
    {
        "is", "are", "was", "were", "has", "have", "had", "can", "could", "should", "would",
        "will", "shall", "may", "might", "must", "does", "do", "did", "needs",
    }
)  # fmt: skip
BOOLEAN_CALLS = frozenset({"bool", "isinstance", "issubclass", "hasattr", "callable", "any", "all"})
BOOLEAN_METHODS = frozenset(
    {
        "startswith", "endswith", "isdigit", "isalpha", "isalnum", "isspace", "islower",
        "isupper", "isidentifier", "isdecimal", "isnumeric", "issubset", "issuperset",
        "isdisjoint", "exists", "is_file", "is_dir",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Finding:
    tool: str
    code: str
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        message = self.message
        if len(message) > MESSAGE_WIDTH:
            message = message[: MESSAGE_WIDTH - 1] + "…"
        return f"{self.path}:{self.line}: {self.code} {message}"


@dataclass(frozen=True)
class Report:
    ruff: tuple[Finding, ...]
    mypy: tuple[Finding, ...]
    any_uses: tuple[Finding, ...]
    boolean_names: tuple[Finding, ...]
    blind_suppress: tuple[Finding, ...] = ()

    @property
    def syntax_errors(self) -> list[Finding]:
        # A file that does not parse hides every other finding in it.
        return [item for item in (*self.ruff, *self.mypy) if item.code in SYNTAX_CODES]


_REPORTS: dict[str, Report] = {}  # per process, keyed by a hash of the learner's sources


# --- running the tools ------------------------------------------------------------------


def python_files(root: Path) -> list[Path]:
    package = root / "app"
    return sorted(path for path in package.rglob("*.py") if "__pycache__" not in path.parts)


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256(str(root).encode())
    for path in python_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def mypy_cache_dir(ctx: Check) -> Path:
    # Shared across runs: a warm cache makes mypy several times faster (fastapi and
    # pydantic are analysed once). Under the kit's .mypy_cache/, which git ignores.
    return ctx.lesson.kit_root / ".mypy_cache" / f"workbook-lesson-{ctx.lesson.number}"


async def run_tool(ctx: Check, *arguments: str) -> tuple[int, str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("MYPY")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *arguments,
        cwd=ctx.root,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), TOOL_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise RuntimeError(f"{arguments[0]} did not finish in {TOOL_SECONDS:g} s") from None
    return process.returncode or 0, stdout.decode(), stderr.decode()


async def run_ruff(ctx: Check) -> tuple[Finding, ...]:
    code, stdout, stderr = await run_tool(
        ctx, "ruff", "check", *RUFF_OPTIONS, "--output-format", "json", "app"
    )
    if code not in (0, 1):
        raise RuntimeError(f"ruff failed (exit {code}): {stderr or stdout}")
    return tuple(
        Finding(
            "ruff",
            item.get("code") or "invalid-syntax",
            relative(ctx.root, item["filename"]),
            item["location"]["row"],
            item["message"],
        )
        for item in json.loads(stdout or "[]")
    )


async def run_mypy(ctx: Check) -> tuple[Finding, ...]:
    config = ctx.tmp_path / "mypy.ini"
    config.write_text(MYPY_CONFIG, encoding="utf-8")
    cache = mypy_cache_dir(ctx)
    cache.mkdir(parents=True, exist_ok=True)
    # One mypy at a time per cache: two writing one cache at once corrupt it (the grader runs
    # checks side by side).
    with (cache / ".lock").open("w") as lock:
        await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
        code, stdout, stderr = await run_tool(
            ctx,
            "mypy",
            "--config-file", str(config),
            "--cache-dir", str(cache),
            *MYPY_OPTIONS,
            "app",
        )  # fmt: skip
    findings = tuple(
        Finding("mypy", match["code"] or "error", match["path"], int(match["line"]), message)
        for match, message in parse_mypy(stdout)
    )
    if code not in (0, 1) and not findings:
        raise RuntimeError(f"mypy failed (exit {code}): {stderr or stdout}")
    return findings


def parse_mypy(output: str) -> Iterator[tuple[re.Match[str], str]]:
    for line in output.splitlines():
        match = MYPY_LINE.match(line.strip())
        if match:
            yield match, match["message"]


def relative(root: Path, filename: str) -> str:
    try:
        return str(Path(filename).resolve().relative_to(root.resolve()))
    except ValueError:
        return filename


async def report(ctx: Check) -> Report:
    key = fingerprint(ctx.root)
    if key not in _REPORTS:
        ruff, mypy = await asyncio.gather(run_ruff(ctx), run_mypy(ctx))
        sources = parsed_sources(ctx.root)
        _REPORTS[key] = Report(
            ruff=ruff,
            mypy=mypy,
            any_uses=tuple(find_any_uses(sources)),
            boolean_names=tuple(find_boolean_names(sources)),
            blind_suppress=tuple(find_blind_suppress(sources)),
        )
    return _REPORTS[key]


# --- the two AST checks -----------------------------------------------------------------


def parsed_sources(root: Path) -> list[tuple[str, ast.Module]]:
    sources = []
    for path in python_files(root):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError:
            continue  # ruff and mypy report it
        sources.append((str(path.relative_to(root)), tree))
    return sources


def find_any_uses(sources: Iterable[tuple[str, ast.Module]]) -> Iterator[Finding]:
    """Every `Any` written in the code: `x: Any`, `dict[str, Any]`, `typing.Any`, casts."""
    for path, tree in sources:
        aliases = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module in ("typing", "typing_extensions")
            for alias in node.names
            if alias.name == "Any"
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute) and names_any(node, aliases):
                yield Finding("workbook", "any", path, node.lineno, "`Any` is written here")


def names_any(node: ast.Name | ast.Attribute, aliases: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in aliases
    return (
        node.attr == "Any"
        and isinstance(node.value, ast.Name)
        and node.value.id in ("typing", "typing_extensions")
    )


BLIND_EXCEPTIONS = frozenset({"Exception", "BaseException"})


def find_blind_suppress(sources: Iterable[tuple[str, ast.Module]]) -> Iterator[Finding]:
    """`contextlib.suppress(Exception)`: a blind except that ruff's BLE001 does not see."""
    for path, tree in sources:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and called_name(node.func) == "suppress"):
                continue
            blind = [arg for arg in node.args if called_name(arg) in BLIND_EXCEPTIONS]
            if blind:
                yield Finding(
                    "workbook",
                    "blind-suppress",
                    path,
                    node.lineno,
                    f"suppress({called_name(blind[0])}) swallows every error, like a blind except",
                )


def called_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def find_boolean_names(sources: Iterable[tuple[str, ast.Module]]) -> Iterator[Finding]:
    """Names bound to a boolean that do not start with an auxiliary verb."""
    sources = list(sources)
    # The package's own functions declared `-> bool` return booleans too.
    predicates = frozenset(
        node.name
        for _, tree in sources
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.returns is not None
        and is_bool_annotation(node.returns)
    )
    seen: set[tuple[str, int, str]] = set()
    for path, tree in sources:
        for line, name in boolean_bindings(tree, predicates):
            if reads_as_question(name) or (path, line, name) in seen:
                continue
            seen.add((path, line, name))
            yield Finding(
                "workbook",
                "bool-name",
                path,
                line,
                f"`{name}` is a bool: name it as a question, e.g. is_{name.strip('_').lower()}",
            )


def boolean_bindings(
    tree: ast.Module, predicates: frozenset[str] = frozenset()
) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from boolean_parameters(node.args)
        elif isinstance(node, ast.AnnAssign) and is_bool_annotation(node.annotation):
            yield from bound_names(node.lineno, [node.target])
        elif isinstance(node, ast.Assign) and (
            is_boolean_expression(node.value) or calls_one_of(node.value, predicates)
        ):
            yield from bound_names(node.lineno, node.targets)


def calls_one_of(value: ast.expr, predicates: frozenset[str]) -> bool:
    """A call to one of the package's own functions declared `-> bool`."""
    return isinstance(value, ast.Call) and called_name(value.func) in predicates


def boolean_parameters(arguments: ast.arguments) -> Iterator[tuple[int, str]]:
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    pairs = [
        *zip(positional, [*defaults, *arguments.defaults], strict=True),
        *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
    ]
    for argument, default in pairs:
        if argument.arg in ("self", "cls"):
            continue
        annotated = argument.annotation is not None and is_bool_annotation(argument.annotation)
        defaulted = isinstance(default, ast.Constant) and isinstance(default.value, bool)
        if annotated or defaulted:
            yield argument.lineno, argument.arg


def bound_names(line: int, targets: Iterable[ast.expr]) -> Iterator[tuple[int, str]]:
    for target in targets:
        if isinstance(target, ast.Name):
            yield line, target.id
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id in ("self", "cls")
        ):
            yield line, target.attr


def is_bool_annotation(annotation: ast.expr) -> bool:
    if isinstance(annotation, ast.Name):
        return annotation.id in ("bool", "StrictBool")
    if isinstance(annotation, ast.Constant):
        return annotation.value in ("bool", "StrictBool")
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = (annotation.left, annotation.right)
        is_none = [isinstance(side, ast.Constant) and side.value is None for side in sides]
        return any(is_none) and any(
            is_bool_annotation(side) for side, none in zip(sides, is_none, strict=True) if not none
        )
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name):
        wrapper = annotation.value.id
        inner = annotation.slice
        if wrapper == "Optional":
            return is_bool_annotation(inner)
        if wrapper == "Annotated" and isinstance(inner, ast.Tuple) and inner.elts:
            return is_bool_annotation(inner.elts[0])
    return False


def is_boolean_expression(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, bool)
    if isinstance(value, ast.Compare):
        return True
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not)
    if isinstance(value, ast.BoolOp):
        return all(is_boolean_expression(operand) for operand in value.values)
    if isinstance(value, ast.Call):
        function = value.func
        if isinstance(function, ast.Name):
            return function.id in BOOLEAN_CALLS
        if isinstance(function, ast.Attribute):
            return function.attr in BOOLEAN_METHODS
    return False


# Names a library requires, spelled its way (SQLAlchemy's TypeDecorator and compiled elements).
REQUIRED_BY_LIBRARIES = frozenset({"cache_ok", "inherit_cache"})


def reads_as_question(name: str) -> bool:
    if name in REQUIRED_BY_LIBRARIES:
        return True
    words = name.strip("_").lower().split("_")
    if words == [""]:
        return True  # `_`: a value deliberately ignored
    return len(words) > 1 and words[0] in AUXILIARY_VERBS


# --- turning findings into verdicts -----------------------------------------------------


def is_typing_finding(finding: Finding) -> bool:
    if finding.tool == "ruff":
        return finding.code.startswith("ANN") and finding.code != "ANN401"
    return finding.code in ("no-untyped-def", "no-untyped-call", "type-arg", "var-annotated")


def is_any_finding(finding: Finding) -> bool:
    if finding.tool == "ruff":
        return finding.code == "ANN401"
    return finding.code in ("no-any-return", "no-any-unimported", "any")


def ruff_codes(*codes: str) -> Callable[[Finding], bool]:
    def matches(finding: Finding) -> bool:
        return finding.tool == "ruff" and finding.code in codes

    return matches


def listing(findings: Iterable[Finding], *, merge_tools: bool = True) -> str:
    # Every field in the key: two findings on one line come out in the same order every run.
    chosen = sorted(
        set(findings), key=lambda item: (item.path, item.line, item.code, item.message, item.tool)
    )
    if merge_tools:
        # One fault is often seen by two tools: keep ruff's word for a line ruff reports.
        ruff_lines = {(item.path, item.line) for item in chosen if item.tool == "ruff"}
        chosen = [
            item
            for item in chosen
            if item.tool == "ruff" or (item.path, item.line) not in ruff_lines
        ]
    lines = [str(finding) for finding in chosen[:SHOWN]]
    if len(chosen) > SHOWN:
        lines.append(f"... and {len(chosen) - SHOWN} more")
    return f"{len(chosen)} finding(s):\n" + "\n".join(lines)


def expect_none(
    report: Report, findings: Iterable[Finding], *, expected: str, note: str = ""
) -> None:
    found = [*report.syntax_errors, *findings]
    expect(not found, expected=expected, got=listing(found), note=note)


def reproduce(tool: str) -> str:
    if tool == "ruff":
        return (
            "reproduce: python -m ruff check "
            + " ".join(f"'{option}'" if " " in option else option for option in RUFF_OPTIONS)
            + " app"
        )
    return "reproduce: python -m mypy --strict app"


# --- 10.1 to 10.6: one fault class each -------------------------------------------------


@check("10.1")
async def every_signature_is_typed(ctx: Check) -> None:
    """Every function declares its parameter and return types (ruff ANN, mypy --strict)."""
    found = await report(ctx)
    expect_none(
        found,
        filter(is_typing_finding, (*found.ruff, *found.mypy)),
        expected="no untyped parameter, return or call: no ANN0xx/ANN2xx from ruff, no "
        "no-untyped-def/no-untyped-call/type-arg from mypy --strict",
        note="annotate the parameters and the return type; `-> None` counts",
    )


@check("10.2")
async def no_any_is_written(ctx: Check) -> None:
    """The package writes no `Any` and returns no value typed Any (ANN401, mypy, an AST scan)."""
    found = await report(ctx)
    expect_none(
        found,
        [*filter(is_any_finding, (*found.ruff, *found.mypy)), *found.any_uses],
        expected="no `Any` in the code, and no Any value returned as a precise type",
        note="say what the value is: a Pydantic model, a dataclass, `object` narrowed with "
        "isinstance, or a variable annotated with the precise type (`store: CommentStore = ...`)",
    )


@check("10.3")
async def names_are_imported_by_name(ctx: Check) -> None:
    """No wildcard import: every imported name is listed (ruff F403, F405)."""
    found = await report(ctx)
    expect_none(
        found,
        filter(ruff_codes("F403", "F405"), found.ruff),
        expected="no `from module import *` (ruff F403) and no name that only a wildcard "
        "could define (F405)",
        note="list the names: `from app.comments.schemas import CommentCreate, CommentRead`",
    )


@check("10.4")
async def no_default_is_mutable(ctx: Check) -> None:
    """No parameter defaults to a list, dict or set (ruff B006, B039)."""
    found = await report(ctx)
    expect_none(
        found,
        filter(ruff_codes("B006", "B039"), found.ruff),
        expected="no mutable default argument (ruff B006, B039)",
        note="a default is built once, when the function is defined, and shared by every "
        "call: default to None (or an immutable tuple) and build the list inside",
    )


@check("10.4")
async def mentions_do_not_leak_between_comments(ctx: Check) -> None:
    """Each comment lists only its own mentions, however many comments came before it."""
    async with ctx.client() as client:
        first = await post_comment(client, "Ping @ada about the release")
        second = await post_comment(client, "@grace, please review")
        plain = await post_comment(client, "No one to mention here")
    for response, mentions in ((first, ["ada"]), (second, ["grace"]), (plain, [])):
        expect_status(response, 201, because="a valid comment is created")
        got = json_body(response).get("mentions")
        expect(
            got == mentions,
            expected=f"mentions {mentions}",
            got=f"mentions {got}",
            response=response,
            note="a list default keeps what earlier calls appended to it",
        )


@check("10.5")
async def exceptions_are_caught_by_name(ctx: Check) -> None:
    """No bare `except:`, no blind `except Exception`, no `suppress(Exception)`."""
    found = await report(ctx)
    expect_none(
        found,
        [*filter(ruff_codes("E722", "BLE001"), found.ruff), *found.blind_suppress],
        expected="every except clause (and every contextlib.suppress) names the exceptions it "
        "expects (ruff E722, BLE001, and this lesson's scan for suppress(Exception))",
        note="a bare except also catches KeyboardInterrupt, SystemExit and cancellation; "
        "better still, a guard clause makes the error impossible",
    )


@check("10.6")
async def booleans_read_as_questions(ctx: Check) -> None:
    """Every name holding a bool starts with an auxiliary verb (is_, has_, can_, should_...)."""
    found = await report(ctx)
    expect_none(
        found,
        found.boolean_names,
        expected="booleans named as yes/no questions: is_done, has_mentions, can_edit",
        note="found by this lesson's own AST check (ruff has no such rule): parameters and "
        "variables annotated bool or defaulting to True/False, and names assigned a "
        "comparison, a `not`, or a call such as isinstance() or str.startswith()",
    )


# --- 10.7: the tools pass, and the service still works ---------------------------------


@check("10.7")
async def ruff_and_mypy_strict_pass(ctx: Check) -> None:
    """ruff (the kit's rule selection) and mypy --strict report nothing on the package."""
    found = await report(ctx)
    findings = [*found.ruff, *found.mypy]
    expect(
        not findings,
        expected="no ruff finding and no mypy --strict error",
        got=f"ruff {len(found.ruff)}, mypy {len(found.mypy)}: "
        + listing(findings, merge_tools=False),
        note=f"{reproduce('ruff')}\n{reproduce('mypy')}",
    )


async def post_comment(
    client: httpx.AsyncClient, body: str, *, task_id: int = 1, author: str = "bob"
) -> httpx.Response:
    return await client.post(f"/tasks/{task_id}/comments", json={"author": author, "body": body})


@check("10.7", baseline=True)
async def comments_are_created_and_listed(ctx: Check) -> None:
    """A comment is created (201) with its preview and mentions, and listed under its task."""
    async with ctx.client() as client:
        created = await post_comment(client, "Ping @ada\nsecond line")
        listed = await client.get("/tasks/1/comments")
        other = await client.get("/tasks/2/comments")
    expect_status(created, 201, because="a valid comment is created")
    body = json_body(created)
    expect(
        body.get("preview") == "Ping @ada" and body.get("mentions") == ["ada"],
        expected="preview 'Ping @ada' and mentions ['ada']",
        got=body,
        response=created,
    )
    expect(
        [item.get("id") for item in json_body(listed)] == [body.get("id")],
        expected="task 1's list to hold the comment",
        got=listed.text,
        response=listed,
    )
    expect(json_body(other) == [], expected="task 2 to have no comment", got=other.text)


@check("10.7", baseline=True)
async def bad_input_is_refused_and_stores_nothing(ctx: Check) -> None:
    """Malformed JSON, wrong types, oversized and missing fields get 422; nothing is stored."""
    bad_bodies: list[tuple[str, bytes]] = [
        ("the body is not valid JSON", b'{"author": "bob", "body": '),
        ("the author is a number", b'{"author": 42, "body": "hi"}'),
        ("the body is missing", b'{"author": "bob"}'),
        ("the body has 3000 characters", b'{"author": "bob", "body": "' + b"x" * 3000 + b'"}'),
        ("is_pinned is not a boolean", b'{"author": "bob", "body": "hi", "is_pinned": "maybe"}'),
        ("the payload is a list", b"[]"),
    ]
    async with ctx.client() as client:
        for because, content in bad_bodies:
            response = await client.post(
                "/tasks/1/comments", content=content, headers={"content-type": "application/json"}
            )
            expect_status(response, 422, because=because)
        listed = await client.get("/tasks/1/comments")
    expect(json_body(listed) == [], expected="no comment stored", got=listed.text, response=listed)
