"""What a lesson's checks are written with.

A check is an `async def` decorated with `@check("NN.K")` that takes one `Check` and proves a
rule by behaviour: it loads the target's app fresh, runs its lifespan, sends real requests
over ASGI and states what it expected with `expect(...)` or `expect_status(...)`. A failed
expectation is a `RuleViolation`: the grader turns it into a message that teaches.

    @check("01.2")
    async def unknown_fields_are_refused(ctx: Check) -> None:
        "A create request with a field the schema does not declare gets 422."
        async with ctx.client() as client:
            response = await client.post("/users", json={**VALID_USER, "is_admin": True})
        expect_status(response, 422, because="unknown fields must be refused, not ignored")
"""

import asyncio
import contextlib
import json
import logging
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar
from warnings import WarningMessage

import httpx

from workbook import guards
from workbook.lessons import Lesson
from workbook.loader import (
    BrokenCode,
    Deadline,
    LearnerCodeError,
    import_learner_module,
    learner_attribute,
)
from workbook.targets import Target, TargetKind

ASGIApp = Callable[..., Awaitable[None]]
CheckFunction = Callable[["Check"], Awaitable[None]]
F = TypeVar("F", bound=CheckFunction)

BASE_URL = "http://testserver"
# `workbook audit --allow-writes` sets it: portable checks may then send requests that can
# change data. Without it, the audit's clients refuse to send them (see `Check.client`).
ALLOW_WRITES_VARIABLE = "WORKBOOK_AUDIT_ALLOW_WRITES"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# `workbook audit --production-env NAME=VALUE`, as JSON: how the audited app runs in production.
PRODUCTION_ENV_VARIABLE = "WORKBOOK_AUDIT_PRODUCTION_ENV"
# Pass as `extensions=MUST_BE_REFUSED` on a write whose body (or method) the app must refuse
# before any handler runs: a wrong method, a body that is not JSON, one over the size limit.
# The audit sends those without --allow-writes; it never sends any other write.
MUST_BE_REFUSED: dict[str, Any] = {"workbook_must_be_refused": True}
TRIM = 700


@dataclass(frozen=True)
class CheckSpec:
    """A check as the grader sees it: which rule it proves and how to run it."""

    rule: str
    name: str
    title: str
    function: CheckFunction
    timeout: float | None = None
    baseline: bool = False
    portable: bool = False


def check(
    rule: str,
    *,
    timeout: float | None = None,
    baseline: bool = False,
    portable: bool = False,
) -> Callable[[F], F]:
    """Mark an `async def (ctx: Check)` as a check of rule `rule`.

    The first line of its docstring is what the check proves, shown to the learner.
    `baseline=True` marks a check the starter passes too (behaviour the lesson must keep);
    every other check is a teaching check, which the pristine starter must fail.
    `portable=True` marks a check that knows nothing of the lesson's domain (it reads the
    app's OpenAPI document and sends generic requests), so `workbook audit` runs it on any app.
    """

    def mark(function: F) -> F:
        title = (function.__doc__ or function.__name__.replace("_", " ")).strip().splitlines()[0]
        spec = CheckSpec(rule, function.__name__, title, function, timeout, baseline, portable)
        setattr(function, "__workbook_check__", spec)  # noqa: B010 - a tag on a function object
        return function

    return mark


class RuleViolation(AssertionError):
    """An expectation of a check did not hold."""

    def __init__(
        self,
        expected: str,
        got: str,
        request: httpx.Request | None = None,
        note: str = "",
    ) -> None:
        super().__init__(f"expected {expected}; got {got}")
        self.expected = expected
        self.got = got
        self.request = request
        self.note = note
        self.is_plain_assert = False


class Blocked(Exception):
    """A check cannot run because a shape another rule asks for is missing.

    `raise Blocked("03.1", "app/tasks/dependencies.py has no get_task_service")` reports the
    check as blocked by rule 03.1, with that rule's hint, instead of failing its own rule.
    """

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(f"blocked by rule {rule}: {reason}")
        self.rule = rule
        self.reason = reason


class NotApplicable(Exception):
    """The check does not apply to this app (`raise NotApplicable("no HTML routes")`): the
    audit reports it as such, with the reason; on a lesson's own app it is an error."""


class WritesNotAllowed(NotApplicable):
    """An audit without --allow-writes refused a request that could change the app's data."""


async def _refuse_writes(request: httpx.Request) -> None:
    """The audit's safety net: only safe methods and marked must-be-refused probes go out."""
    if request.method in SAFE_METHODS or request.extensions.get("workbook_must_be_refused"):
        return
    raise WritesNotAllowed(
        f"it sends {request.method} {request.url.path} with a body the app may store: run the "
        "audit with --allow-writes, against a test database, to include it"
    )


def writes_allowed() -> bool:
    return os.environ.get(ALLOW_WRITES_VARIABLE) == "1"


class StartupFailed(Exception):
    """The app's lifespan refused to start; `str()` is what it said."""

    def __init__(self, message: str, cause: BaseException | None) -> None:
        super().__init__(message)
        self.cause = cause


def expect(
    condition: bool,
    *,
    expected: str,
    got: object,
    response: httpx.Response | None = None,
    note: str = "",
) -> None:
    """Fail the check with a teaching message unless `condition` holds."""
    if condition:
        return
    request = response.request if response is not None else None
    raise RuleViolation(expected, describe(got), request, note)


def expect_status(response: httpx.Response, *statuses: int, because: str = "") -> None:
    """Fail unless the response's status is one of `statuses`."""
    if response.status_code in statuses:
        return
    wanted = " or ".join(str(status) for status in statuses)
    expected = f"status {wanted}" + (f" ({because})" if because else "")
    raise RuleViolation(expected, describe_response(response), response.request)


def json_body(response: httpx.Response) -> Any:
    """The response's JSON body, or a RuleViolation saying it was not JSON."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise RuleViolation(
            "a JSON body", describe_response(response), response.request
        ) from None


def error_fields(body: object) -> set[str]:
    """Field names a validation error body points at, whatever its shape.

    Reads FastAPI's default `detail[].loc`, and the `loc`, `field`, `pointer` or `name` members
    that problem-details bodies use, wherever they sit in the body.
    """
    names: set[str] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "loc" and isinstance(value, list):
                names.update(str(part) for part in value)
            elif key in ("field", "pointer", "name") and isinstance(value, str):
                names.update(part for part in re.split(r"[/.]", value) if part)
            else:
                names |= error_fields(value)
    elif isinstance(body, list):
        for item in body:
            names |= error_fields(item)
    return names


def describe_response(response: httpx.Response) -> str:
    content_type = response.headers.get("content-type", "")
    body = response.text if response.content else "(empty body)"
    return trim(f"{response.status_code} {content_type} {body}".replace("  ", " "))


def describe_request(request: httpx.Request) -> str:
    target = request.url.raw_path.decode("ascii", "replace")
    extra_headers = [
        f"{name}: {value}"
        for name, value in request.headers.items()
        if name.lower() not in _ORDINARY_REQUEST_HEADERS
    ]
    lines = [f"{request.method} {target}", *extra_headers]
    body = _request_body(request)
    if body:
        lines.append(body)
    return trim("\n".join(lines))


def describe(value: object) -> str:
    if isinstance(value, httpx.Response):
        return describe_response(value)
    if isinstance(value, str):
        return trim(value)
    return trim(repr(value))


def trim(text: str, limit: int = TRIM) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f" … ({len(text) - limit} more characters)"


_ORDINARY_REQUEST_HEADERS = frozenset(
    {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length",
     "content-type"}
)


def _request_body(request: httpx.Request) -> str:
    try:
        content = request.content
    except httpx.RequestNotRead:
        return "(streamed body)"
    return content.decode("utf-8", "replace") if content else ""


@dataclass
class AppError:
    """An exception that escaped the app while it answered a request."""

    error: BaseException
    request_line: str


@dataclass
class Check:
    """Everything one run of one check needs; made fresh for every check."""

    target: Target
    tmp_path: Path
    backend: str = "sqlite"
    database_url: str = ""
    redis_url: str = ""
    redis_prefix: str = ""  # every Redis key of this check starts with it (APP_REDIS_KEY_PREFIX)
    logs: list[logging.LogRecord] = field(default_factory=list)
    app_errors: list[AppError] = field(default_factory=list)
    last_request: httpx.Request | None = None
    lifespan_state: dict[str, Any] = field(default_factory=dict)
    warnings: list[WarningMessage] = field(default_factory=list)
    # Where the check is ("import", "startup" of the lifespan, "check"), so a hang is blamed
    # on the right step; the deadline gives starting the app a short limit of its own.
    phase: str = "check"
    hung_in: str = ""  # the start-up step whose short limit ran out, if one did
    code_broken: bool = False  # the app's own module cannot be imported at all
    deadline: Deadline = field(default_factory=Deadline)
    startup_seconds: float = 5.0
    _modules: dict[str, ModuleType] = field(default_factory=dict)
    _saved_env: dict[str, str | None] = field(default_factory=dict)
    _saved_root_level: int = logging.CRITICAL + 1

    @property
    def lesson(self) -> Lesson:
        return self.target.lesson

    @property
    def root(self) -> Path:
        """The folder that holds the target's `app/` package."""
        return self.target.root

    def module(self, name: str, *, required_by: str = "") -> ModuleType:
        """Import a module of the target (`app.tasks.service`), once per check.

        With `required_by="03.1"`, a module that does not exist blocks the check on that rule
        (the rule that asks for it) instead of failing as broken code.
        """
        if name not in self._modules:
            if required_by and not self._module_exists(name):
                path = name.replace(".", "/") + ".py"
                raise Blocked(required_by, f"the checks need {path}, which does not exist")
            with self._starting("import", f"importing {name}"):
                try:
                    self._modules[name] = import_learner_module(self.root, name)
                except BrokenCode:
                    self.code_broken = name == self.target.app_reference.partition(":")[0]
                    raise
        return self._modules[name]

    @contextlib.contextmanager
    def _starting(self, phase: str, what: str) -> Iterator[None]:
        """Mark a start-up step (under the short start-up limit) for the supervisor."""
        outer = self.phase
        self.phase = phase
        guards.phase(what)
        try:
            with self.deadline.tightened(self.startup_seconds):
                yield
        except BaseException:
            if self.deadline.has_fired:
                self.hung_in = phase
            raise
        finally:
            self.phase = outer
            guards.phase("checking")

    def attribute(self, module: str, name: str, *, required_by: str = "") -> Any:
        """`module.name` from the target; missing, it blocks the check on `required_by`."""
        loaded = self.module(module, required_by=required_by)
        if required_by and not hasattr(loaded, name):
            path = module.replace(".", "/") + ".py"
            raise Blocked(required_by, f"the checks need `{name}` in {path}")
        return learner_attribute(self.root, loaded, name)

    def app(self, module: str = "", attribute: str = "") -> ASGIApp:
        """The target's ASGI app: `app` in `app/main.py` for a lesson, or wherever the target's
        `app_reference` says (an audited service, whose factory is called)."""
        default_module, _, default_attribute = self.target.app_reference.partition(":")
        module = module or default_module
        found = learner_attribute(self.root, self.module(module), attribute or default_attribute)
        if self.target.is_factory and not (module and attribute):
            try:
                found = found()  # type: ignore[operator]
            except Exception as error:  # noqa: BLE001 - the team's factory failed: say where
                raise LearnerCodeError(
                    f"calling the factory {self.target.app_reference}() failed: "
                    f"{type(error).__name__}: {error}"
                ) from None
        if not callable(found):
            raise LearnerCodeError(f"{module}.{attribute} is not an ASGI app: {found!r}")
        return found

    def fresh_app(self) -> ASGIApp:
        """The app imported anew, as a second process would (after changing settings, say)."""
        from workbook.loader import forget_app_modules, forget_modules_under

        forget_app_modules()
        if self.target.kind is TargetKind.AUDITED:
            forget_modules_under(self.root)  # a team's service need not be a package `app`
        self._modules.clear()
        return self.app()

    @property
    def is_audit(self) -> bool:
        """Grading a team's own service (`workbook audit`), not a lesson's app."""
        return self.target.kind is TargetKind.AUDITED

    def expect_present(self, is_found: bool, *, expected: str, absent: str) -> None:
        """Something a lesson's app must have and a team's service may simply not have (secured
        routes, say): missing, a lesson's check fails; the audit says "not applicable: absent"."""
        if is_found:
            return
        if self.is_audit:
            raise NotApplicable(absent)
        raise RuleViolation(expected, "none")

    def production_environment(self, lesson_settings: dict[str, str]) -> dict[str, str]:
        """The settings that make the app run as in production: the lesson's own, or for an
        audited service what `--production-env` said (without it, the check does not apply)."""
        if self.target.kind is not TargetKind.AUDITED:
            return lesson_settings
        told = os.environ.get(PRODUCTION_ENV_VARIABLE, "")
        if not told:
            raise NotApplicable(
                "the audit was not told how the app runs in production: pass "
                "--production-env NAME=VALUE, or production-env in [tool.workbook.audit]"
            )
        settings: dict[str, str] = json.loads(told)
        return settings

    def _module_exists(self, name: str) -> bool:
        relative = Path(*name.split("."))
        return (self.root / relative.with_suffix(".py")).is_file() or (
            self.root / relative / "__init__.py"
        ).is_file()

    def setenv(self, name: str, value: str | None) -> None:
        """Set (or, with None, remove) an environment variable until the check ends."""
        if name not in self._saved_env:
            self._saved_env[name] = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    def release(self) -> None:
        """Drop every reference to the app and its objects, so they can be collected."""
        self._modules.clear()
        self.app_errors.clear()
        self.lifespan_state.clear()
        self.logs.clear()
        self.last_request = None

    def restore_env(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()

    @contextlib.asynccontextmanager
    async def client(
        self,
        app: ASGIApp | None = None,
        *,
        headers: dict[str, str] | None = None,
        client_address: tuple[str, int] = ("127.0.0.1", 123),
    ) -> AsyncIterator[httpx.AsyncClient]:
        """An httpx client talking to the app over ASGI, with the app's lifespan running.

        `client_address` is the peer the app sees (`request.client`): two clients with two
        addresses are two machines to a rate limiter.
        """
        asgi_app = app if app is not None else self.app()
        # Each app gets a state of its own; ctx.lifespan_state shows the latest client's.
        self.lifespan_state = {}
        async with contextlib.AsyncExitStack() as stack:
            with self._starting("startup", "starting the app's lifespan"):
                client = await stack.enter_async_context(
                    serve(
                        asgi_app,
                        headers=headers,
                        on_error=self._record_error,
                        state=self.lifespan_state,
                        client_address=client_address,
                    )
                )
            if self.target.kind is TargetKind.AUDITED and not writes_allowed():
                client.event_hooks["request"].append(_refuse_writes)
            client.event_hooks["request"].append(self._remember_request)
            yield client

    @contextlib.contextmanager
    def sql_statements(self) -> Iterator[list[str]]:
        """Collect the SQL text of every statement any SQLAlchemy engine runs meanwhile."""
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        statements: list[str] = []

        def record(
            conn: object, cursor: object, statement: str, *args: object, **kwargs: object
        ) -> None:
            statements.append(statement)

        event.listen(Engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(Engine, "before_cursor_execute", record)

    def capture_logs_from(self, level: int) -> None:
        """Let records from `level` up reach `ctx.logs` (the root logger passes WARNING and up
        unless the app configures logging); restored when the check ends."""
        root = logging.getLogger()
        self._saved_root_level = min(self._saved_root_level, root.level)
        root.setLevel(level)

    def log_messages(self, level: int = logging.NOTSET) -> list[str]:
        return [record.getMessage() for record in self.logs if record.levelno >= level]

    def _record_error(self, error: Exception, request_line: str) -> None:
        self.app_errors.append(AppError(error, request_line))

    async def _remember_request(self, request: httpx.Request) -> None:
        self.last_request = request
        guards.phase(f"waiting for {request.method} {request.url.path}")


@contextlib.asynccontextmanager
async def serve(
    app: ASGIApp,
    *,
    headers: dict[str, str] | None = None,
    on_error: Callable[[Exception, str], None] | None = None,
    state: dict[str, Any] | None = None,
    client_address: tuple[str, int] = ("127.0.0.1", 123),
) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and yield an httpx client that talks to it over ASGI.

    Like a real server: lifespan state reaches each request's scope, and an exception that
    escapes the app becomes a 500 answer (reported to `on_error`) instead of reaching the caller.
    Pass `state` to see what the lifespan yielded (it is filled in at start-up).
    """
    async with run_lifespan(app, state) as state:

        async def with_state(
            scope: MutableMapping[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
        ) -> None:
            if scope["type"] in ("http", "websocket"):
                scope["state"] = dict(state)
            try:
                await app(scope, receive, send)
            except Exception as error:
                if on_error is not None:
                    line = f"{scope.get('method', '')} {scope.get('path', '')}".strip()
                    on_error(error, line)
                raise

        transport = httpx.ASGITransport(
            app=with_state, raise_app_exceptions=False, client=client_address
        )
        async with httpx.AsyncClient(
            transport=transport, base_url=BASE_URL, headers=headers
        ) as client:
            yield client


@contextlib.asynccontextmanager
async def run_lifespan(
    app: ASGIApp, state: dict[str, Any] | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Run the ASGI lifespan protocol around the block, as a server would."""
    state = {} if state is None else state
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}

    async def run() -> None:
        await app(scope, inbox.get, outbox.put)

    task = asyncio.create_task(run())
    await inbox.put({"type": "lifespan.startup"})
    reply = await _next_message(outbox, task)
    if reply.get("type") != "lifespan.startup.complete":
        # Starlette reports a traceback as text, then re-raises: prefer the exception itself.
        await asyncio.wait({task}, timeout=1.0)
        cause = task.exception() if task.done() and not task.cancelled() else None
        message = f"{type(cause).__name__}: {cause}" if cause else reply.get("message", "")
        raise StartupFailed(message or "the lifespan did not start", cause)
    try:
        yield state
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await _next_message(outbox, task)
        if not task.done():
            await task


async def _next_message(
    outbox: asyncio.Queue[dict[str, Any]], task: asyncio.Task[None]
) -> dict[str, Any]:
    getter = asyncio.ensure_future(outbox.get())
    done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
    if getter in done:
        return getter.result()
    getter.cancel()
    error = task.exception()
    message = f"{type(error).__name__}: {error}" if error else "the lifespan ended early"
    return {"type": "lifespan.failed", "message": message}


def load_checks(lesson: Lesson) -> tuple[CheckSpec, ...]:
    """The lesson's checks, in the order its checks file defines them."""
    import importlib.util

    module_name = f"workbook_checks_{lesson.number}_{lesson.slug.replace('-', '_')}"
    if module_name in sys.modules:
        module = sys.modules[module_name]
    else:
        spec = importlib.util.spec_from_file_location(module_name, lesson.checks_file)
        if spec is None or spec.loader is None:
            raise FileNotFoundError(f"no checks at {lesson.checks_file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    specs = [
        value.__workbook_check__
        for value in vars(module).values()
        if hasattr(value, "__workbook_check__")
    ]
    return tuple(specs)
