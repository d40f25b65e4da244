"""Checks for lesson 05: settings from the environment, validated once, secrets kept secret.

Every check starts the app in a clean configuration of its own: all `APP_*` variables of the
grader's process are removed (ctx.setenv restores them afterwards), the working directory is
the check's empty temporary folder (so a `.env` file kept in the lesson folder for local runs
is never read, and cannot hide a missing variable), and the check then sets exactly the
variables, or writes exactly the `.env` file, that it is about. A `.env` the checks write
also holds a line for another tool (`COMPOSE_PROJECT_NAME=tracker`), as a real one does.
"""

import base64
import contextlib
import logging
import os
import re
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
from pydantic import SecretBytes, SecretStr

from workbook.harness import (
    Blocked,
    Check,
    StartupFailed,
    check,
    error_fields,
    expect,
    expect_status,
    json_body,
)
from workbook.loader import LearnerCodeError

# Random-looking keys, so that any 8 characters of one in a row found in a log are a leak.
SIGNING_KEY = "wbQ7rZk2Lm9XvT4pN8sJd3Hc6Yg1Fe5Ua0Kt"
OTHER_KEY = "wbOj5Wn1Bq8Ry3Cx6Dv0Ez4Fs7Gp2Ht9Iu"
SHORT_KEY = "k7Rq2Zx9Lm4Vt8Np3W"
KEY_VARIABLE = "APP_SIGNING_KEY"
LIMIT_VARIABLE = "APP_MAX_TASKS_PER_PROJECT"
OTHER_TOOL_LINE = "COMPOSE_PROJECT_NAME=tracker"  # a real .env holds other tools' variables
FRAGMENT = 8  # this many characters of a secret in a row are a leak


@contextlib.contextmanager
def working_directory(ctx: Check) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(ctx.tmp_path)
    try:
        yield
    finally:
        os.chdir(previous)


@contextlib.contextmanager
def every_log_level() -> Iterator[None]:
    """Let INFO and DEBUG records reach the grader's log capture, whatever the default level."""
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.setLevel(previous)


def configure(ctx: Check, env: dict[str, str], dotenv: dict[str, str] | None = None) -> None:
    """Only these APP_* variables, and a .env file in the working directory only if given."""
    for name in [name for name in os.environ if name.startswith("APP_")]:
        ctx.setenv(name, None)
    for name, value in env.items():
        ctx.setenv(name, value)
    dotenv_file = ctx.tmp_path / ".env"
    dotenv_file.unlink(missing_ok=True)
    if dotenv is not None:
        lines = [f"{name}={value}" for name, value in dotenv.items()] + [OTHER_TOOL_LINE]
        dotenv_file.write_text("".join(f"{line}\n" for line in lines))


@contextlib.asynccontextmanager
async def started(
    ctx: Check,
    env: dict[str, str] | None = None,
    dotenv: dict[str, str] | None = None,
    app: Any = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """The app, imported and started in the check's own folder with the given configuration."""
    configure(ctx, {KEY_VARIABLE: SIGNING_KEY} if env is None else env, dotenv)
    with working_directory(ctx), every_log_level():
        async with ctx.client(app) as client:
            yield client


@contextlib.asynccontextmanager
async def started_from_dotenv(
    ctx: Check, env: dict[str, str], dotenv: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    """The app started with values in .env; refusing to start means .env was not read."""
    try:
        async with started(ctx, env, dotenv) as client:
            yield client
    except (LearnerCodeError, StartupFailed) as error:
        summary = error_summary(str(error))
        note = 'SettingsConfigDict(env_file=".env") reads it, relative to the working '
        note += "directory the server is started from."
        if "extra" in summary.lower():
            note = (
                f"The .env file also holds another tool's line ({OTHER_TOOL_LINE}), as a real "
                'one does; without extra="ignore" in SettingsConfigDict, pydantic-settings '
                "refuses every line it has no field for, and start-up stops."
            )
        expect(
            False,
            expected=f"the app to start with {KEY_VARIABLE} given only in the .env file of "
            f"the working directory (which also holds {OTHER_TOOL_LINE})",
            got=f"it refused to start: {summary}",
            note=note,
        )


async def start_up_error(ctx: Check, env: dict[str, str]) -> str | None:
    """What stopped the app from importing or starting, or None when it started."""
    try:
        async with started(ctx, env) as client:
            await client.get("/openapi.json")
    except (LearnerCodeError, StartupFailed) as error:
        return str(error)
    return None


async def new_project(client: httpx.AsyncClient) -> int:
    response = await client.post("/projects", json={"name": "Launch"})
    expect_status(response, 201, because="a valid project is created")
    project_id = json_body(response).get("id")
    expect(isinstance(project_id, int), expected="an integer `id`", got=response.text)
    return int(project_id)


async def add_tasks(client: httpx.AsyncClient, project_id: int, count: int) -> httpx.Response:
    """Add `count` tasks; return the answer to the last one."""
    response: httpx.Response | None = None
    for number in range(count):
        response = await client.post(
            f"/projects/{project_id}/tasks", json={"title": f"Task {number + 1}"}
        )
    assert response is not None
    return response


async def expect_limit(client: httpx.AsyncClient, limit: int, because: str) -> None:
    """The first `limit` tasks of a project are created and the next one is refused."""
    project_id = await new_project(client)
    last_allowed = await add_tasks(client, project_id, limit)
    expect_status(last_allowed, 201, because=f"task {limit} is within the limit of {limit}")
    over = await add_tasks(client, project_id, 1)
    expect(
        400 <= over.status_code < 500 and over.status_code != 404,
        expected=f"task {limit + 1} refused with a 4xx such as 409 ({because})",
        got=over,
        response=over,
    )


async def share_link_path(client: httpx.AsyncClient, project_id: int) -> str:
    response = await client.post(f"/projects/{project_id}/share-link")
    expect_status(response, 201, because="a share link is created for an existing project")
    path = json_body(response).get("path")
    expect(isinstance(path, str), expected="a `path` to open the link", got=response.text)
    return str(path)


STARTED_NOTE = (
    "Read settings in a pydantic-settings class with no default for what is required, "
    "and build it at start-up (the lifespan), not at the first request that needs it."
)


def expect_start_up_refused(
    error: str | None, variable: str, because: str, note: str = STARTED_NOTE
) -> str:
    expect(
        error is not None,
        expected=f"start-up to stop ({because})",
        got="the app started and served requests",
        note=note,
    )
    assert error is not None
    field = variable.removeprefix("APP_").lower()
    expect(
        field in error.lower(),
        expected=f"the start-up error to name {variable}",
        got=error_summary(error),
    )
    return error


def secret_fragments(secret: str) -> set[str]:
    """Every piece of the secret that gives part of it away: FRAGMENT characters of it in a
    row, as written, in hex (either case) or in base64 (standard or URL-safe, any alignment)."""
    pieces = {secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)}
    raw = secret.encode()
    hexed = raw.hex()
    for i in range(0, len(hexed) - 2 * FRAGMENT + 1, 2):
        pieces |= {hexed[i : i + 2 * FRAGMENT], hexed[i : i + 2 * FRAGMENT].upper()}
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(raw[shift:]).decode()
            whole = len(raw[shift:]) // 3 * 4  # the characters that encode whole 3-byte groups
            pieces |= {text[i : i + FRAGMENT] for i in range(0, whole - FRAGMENT + 1, 4)}
    return pieces


def leaks(text: str, secret: str = SIGNING_KEY) -> bool:
    return any(piece in text for piece in secret_fragments(secret))


def shown_log(record: logging.LogRecord) -> str:
    message = record.getMessage()
    where = f"{record.name} {record.levelname}"
    return f"{where}: {message}" if leaks(message) else f"{where}, in its fields: {vars(record)!r}"


def error_summary(message: str) -> str:
    """The exception at the end of a traceback text (what a start-up failure reports)."""
    lines = message.splitlines()
    last_frame = max((i for i, line in enumerate(lines) if line.startswith("  File ")), default=-1)
    rest = lines[last_frame + 1 :]
    while rest and rest[0].startswith("    "):
        rest.pop(0)
    return "\n".join(rest).strip() or message


def log_text(record: logging.LogRecord) -> str:
    formatted = logging.Formatter("%(message)s").format(record)
    return f"{formatted} {vars(record)!r}"


@check("05.1", baseline=True)
async def projects_collect_tasks_and_refuse_bad_input(ctx: Check) -> None:
    """Tasks are added and listed; bad JSON, wrong types, long or missing fields get a 422."""
    async with started(ctx) as client:
        project_id = await new_project(client)
        added = await add_tasks(client, project_id, 3)
        expect_status(added, 201, because="three tasks are well within the default limit")
        tasks_url = f"/projects/{project_id}/tasks"
        refused = {
            "title": [
                await client.post(tasks_url, json={"title": 42}),
                await client.post(tasks_url, json={"title": "x" * 5000}),
                await client.post(tasks_url, json={}),
            ],
            "name": [await client.post("/projects", json={"name": ["Launch"]})],
        }
        malformed = await client.post(
            tasks_url, content=b'{"title": ', headers={"content-type": "application/json"}
        )
        listed = await client.get(tasks_url)
    expect_status(malformed, 400, 422, because="the body is not valid JSON")
    for field, responses in refused.items():
        for response in responses:
            expect_status(response, 422, because=f"`{field}` is missing or wrong")
            expect(
                field in error_fields(json_body(response)),
                expected=f"the 422 body to name `{field}`",
                got=response.text,
                response=response,
            )
    titles = [task.get("title") for task in json_body(listed)]
    expect(
        titles == ["Task 1", "Task 2", "Task 3"],
        expected="the three accepted tasks listed, and nothing from the refused requests",
        got=titles,
        response=listed,
    )


@check("05.4", baseline=True)
async def a_share_link_opens_its_project_and_a_forged_one_nothing(ctx: Check) -> None:
    """A share link opens its project; one with a forged signature is a 404."""
    async with started(ctx) as client:
        project_id = await new_project(client)
        path = await share_link_path(client, project_id)
        opened = await client.get(path)
        forged = await client.get(path[:-6] + "000000")
        garbage = await client.get("/shared/not-a-token")
    expect_status(opened, 200, because="the link was signed by this app")
    expect_status(forged, 404, because="a link with a forged signature opens nothing")
    expect_status(garbage, 404, because="a malformed link opens nothing")


@check("05.1")
async def an_environment_variable_sets_the_task_limit(ctx: Check) -> None:
    """With APP_MAX_TASKS_PER_PROJECT=2, the third task of a project is refused."""
    async with started(ctx, {KEY_VARIABLE: SIGNING_KEY, LIMIT_VARIABLE: "2"}) as client:
        await expect_limit(client, 2, because=f"{LIMIT_VARIABLE}=2")


@contextlib.contextmanager
def environment_reads(ctx: Check) -> Iterator[list[str]]:
    """Record every read of os.environ (os.getenv included) made directly by the target's code.

    pydantic-settings reads the environment too; its reads come from its own frames, so only
    reads whose nearest caller outside `os` is a file of the target are recorded.
    """
    reads: list[str] = []
    environ_type = type(os.environ)
    original = environ_type.__getitem__
    root = str(ctx.root)

    def reading(self: Any, key: str) -> Any:
        frame = sys._getframe(1)
        while frame is not None and _is_plumbing(frame.f_code.co_filename):
            frame = frame.f_back  # type: ignore[assignment]
        if frame is not None and frame.f_code.co_filename.startswith(root):
            place = os.path.relpath(frame.f_code.co_filename, root)
            reads.append(f"{key} read at {place}:{frame.f_lineno}")
        return original(self, key)

    def listing(self: Any) -> Any:
        frame = sys._getframe(1)
        while frame is not None and _is_plumbing(frame.f_code.co_filename):
            frame = frame.f_back  # type: ignore[assignment]
        if frame is not None and frame.f_code.co_filename.startswith(root):
            place = os.path.relpath(frame.f_code.co_filename, root)
            reads.append(f"the variables listed at {place}:{frame.f_lineno}")
        return original_iter(self)

    original_iter = environ_type.__iter__
    environ_type.__getitem__ = reading  # type: ignore[method-assign]
    environ_type.__iter__ = listing  # type: ignore[method-assign]
    try:
        yield reads
    finally:
        environ_type.__getitem__ = original  # type: ignore[method-assign]
        environ_type.__iter__ = original_iter  # type: ignore[method-assign]


def _is_plumbing(filename: str) -> bool:
    """The standard library's environment plumbing (os.getenv, Mapping.get, items())."""
    name = os.path.basename(filename)
    return filename.startswith("<frozen") or name in ("os.py", "_collections_abc.py")


@check("05.1")
async def the_app_reads_the_environment_only_through_settings(ctx: Check) -> None:
    """No module reads os.environ or os.getenv itself: every value comes from the settings."""
    with environment_reads(ctx) as reads:
        async with started(ctx, {KEY_VARIABLE: SIGNING_KEY, LIMIT_VARIABLE: "2"}) as client:
            project_id = await new_project(client)
            await add_tasks(client, project_id, 3)
            path = await share_link_path(client, project_id)
            await client.get(path)
    expect(
        not reads,
        expected="no direct read of the environment: the settings class reads it, and the "
        "code takes values from the settings object",
        got="; ".join(sorted(set(reads))),
        note="Declare the value as a field of Settings and pass it down from get_settings().",
    )


@check("05.2")
async def a_dotenv_file_in_the_working_directory_is_read(ctx: Check) -> None:
    """With no variables set, a .env file in the working directory configures the app."""
    dotenv = {KEY_VARIABLE: SIGNING_KEY, LIMIT_VARIABLE: "1"}
    async with started_from_dotenv(ctx, env={}, dotenv=dotenv) as client:
        await expect_limit(client, 1, because=f".env says {LIMIT_VARIABLE}=1")


@check("05.2")
async def an_environment_variable_wins_over_the_dotenv_file(ctx: Check) -> None:
    """A variable set in the environment overrides the same name in .env."""
    env = {LIMIT_VARIABLE: "1"}
    dotenv = {KEY_VARIABLE: SIGNING_KEY, LIMIT_VARIABLE: "50"}
    async with started_from_dotenv(ctx, env=env, dotenv=dotenv) as client:
        await expect_limit(client, 1, because="the environment says 1, .env says 50")


@check("05.3")
async def a_missing_signing_key_stops_start_up(ctx: Check) -> None:
    """Without APP_SIGNING_KEY the app refuses to start, and the error names the variable."""
    error = await start_up_error(ctx, env={})
    expect_start_up_refused(error, KEY_VARIABLE, because=f"{KEY_VARIABLE} is required")


@check("05.3")
async def a_malformed_value_stops_start_up(ctx: Check) -> None:
    """APP_MAX_TASKS_PER_PROJECT=lots, or 0, stops start-up with an error naming the variable."""
    error = await start_up_error(ctx, {KEY_VARIABLE: SIGNING_KEY, LIMIT_VARIABLE: "lots"})
    expect_start_up_refused(error, LIMIT_VARIABLE, because="`lots` is not a number")
    error = await start_up_error(ctx, {KEY_VARIABLE: SIGNING_KEY, LIMIT_VARIABLE: "0"})
    expect_start_up_refused(
        error, LIMIT_VARIABLE, because="a limit of 0 tasks breaks the constraint ge=1"
    )


@check("05.3")
async def a_short_signing_key_stops_start_up(ctx: Check) -> None:
    """An APP_SIGNING_KEY shorter than 32 characters stops start-up, naming the variable."""
    error = await start_up_error(ctx, {KEY_VARIABLE: SHORT_KEY})
    expect_start_up_refused(
        error,
        KEY_VARIABLE,
        because=f"a signing key needs at least 32 characters; this one has {len(SHORT_KEY)}",
        note="Say how strong the secret must be where it is declared: "
        "signing_key: SecretStr = Field(min_length=32).",
    )


DOTENV_LINE = re.compile(r"^\s*#?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")
PLACEHOLDER_WORDS = ("change", "replace", "your", "example", "placeholder", "xxxx", "<", "...")


def dotenv_entries(text: str) -> dict[str, list[str]]:
    """NAME -> the values given to it, commented-out lines (`# NAME=value`) included."""
    entries: dict[str, list[str]] = {}
    for line in text.splitlines():
        found = DOTENV_LINE.match(line)
        if found is not None:
            value = found.group(2).split(" #")[0].strip().strip("'\"")
            entries.setdefault(found.group(1).upper(), []).append(value)
    return entries


def looks_like_a_real_secret(value: str) -> bool:
    """Long enough to be accepted as a key, random-looking, and not a placeholder."""
    return (
        len(value) >= 32
        and not any(char.isspace() for char in value)
        and any(char.isdigit() for char in value)
        and any(char.isalpha() for char in value)
        and len(set(value)) >= 8
        and not any(word in value.lower() for word in PLACEHOLDER_WORDS)
    )


def declared_variables(settings: Any) -> dict[str, bool]:
    """Each environment variable the settings class declares -> whether it holds a secret."""
    config = getattr(settings, "model_config", {})
    prefix = str(config.get("env_prefix", "")) if isinstance(config, dict) else ""
    declared: dict[str, bool] = {}
    for name, field in getattr(type(settings), "model_fields", {}).items():
        alias = field.validation_alias or field.alias
        variable = alias if isinstance(alias, str) else f"{prefix}{name}"
        declared[variable.upper()] = isinstance(getattr(settings, name), SecretStr | SecretBytes)
    return declared


@check("05.2")
async def the_env_example_lists_every_setting_without_secrets(ctx: Check) -> None:
    """A committed .env.example names every variable of the settings class, secrets blank."""
    example = ctx.root / ".env.example"
    expect(
        example.is_file(),
        expected=".env.example beside app/: committed, listing every variable, where .env "
        "itself stays out of version control",
        got="no .env.example in the lesson folder",
        note="Copy the variables of your Settings class into .env.example, with the "
        "non-secret defaults and the secrets left blank.",
    )
    configure(ctx, {KEY_VARIABLE: SIGNING_KEY})
    with working_directory(ctx):
        declared = declared_variables(get_settings_function(ctx)())
    listed = dotenv_entries(example.read_text(encoding="utf-8"))
    missing = [name for name in declared if name not in listed]
    expect(
        not missing,
        expected=".env.example to list every variable the settings class declares: "
        + ", ".join(declared),
        got=f"missing: {', '.join(missing)}; it lists: {', '.join(listed) or 'nothing'}",
        note="A newcomer copies .env.example to .env: a variable it leaves out is one they "
        "never learn about.",
    )
    shown = [
        name
        for name, secret in declared.items()
        if secret and any(looks_like_a_real_secret(value) for value in listed[name])
    ]
    expect(
        not shown,
        expected="every secret left blank (or a placeholder such as change-me) in .env.example",
        got=f"a value for {', '.join(shown)} that would be accepted as a real key",
        note=".env.example is committed: a key written in it is public. Leave it blank "
        "(APP_SIGNING_KEY=) and say in a comment how to make one.",
    )


@check("05.4")
async def the_secret_appears_in_no_log_body_or_document(ctx: Check) -> None:
    """The signing key shows up in no log record, response body, header or /openapi.json."""
    async with started(ctx) as client:
        project_id = await new_project(client)
        path = await share_link_path(client, project_id)
        responses = [
            await client.get(path),
            await client.get(path[:-6] + "000000"),
            await client.get("/shared/not-a-token"),
            await client.post(f"/projects/{project_id}/tasks", content=b"{"),
            await client.post("/projects/999/share-link"),
            await client.get("/openapi.json"),
            await client.get("/docs"),
        ]
    for response in responses:
        expect(
            not leaks(response.text) and not leaks(str(response.headers)),
            expected="no signing key in any response",
            got=response,
            response=response,
        )
    leaked = [record for record in ctx.logs if leaks(log_text(record))]
    expect(
        not leaked,
        expected="no log record holding the signing key",
        got=f"{len(leaked)} record(s), the first: {shown_log(leaked[0]) if leaked else ''}",
        note="Log the settings object instead: a SecretStr field prints as '**********'. Not "
        f"even part of the key: any {FRAGMENT} characters of it in a row (or their hex or "
        "base64) count as a leak.",
    )


@check("05.4")
async def the_settings_repr_masks_the_secret(ctx: Check) -> None:
    """repr() and str() of the settings from get_settings() show no signing key."""
    async with started(ctx) as client:
        await client.get("/openapi.json")
        settings = get_settings_function(ctx)()
    shown = {"repr()": repr(settings), "str()": str(settings)}
    dump = getattr(settings, "model_dump_json", None)
    if callable(dump):
        shown["model_dump_json()"] = str(dump())
    leaked = [name for name, text in shown.items() if leaks(text)]
    expect(
        not leaked,
        expected="the signing key masked wherever the settings object is printed",
        got=f"the key in {', '.join(leaked)}: {shown[leaked[0]] if leaked else ''}",
        note="Declare the field as SecretStr and read it with .get_secret_value() where used.",
    )


@check("05.4")
async def a_rejected_key_is_not_repeated_in_the_error(ctx: Check) -> None:
    """A signing key shorter than 32 characters stops start-up; the error does not repeat it."""
    error = await start_up_error(ctx, {KEY_VARIABLE: SHORT_KEY})
    if error is None:
        raise Blocked(
            "05.3",
            "a signing key shorter than 32 characters started the app, so there is no error "
            "to read (Field(min_length=32))",
        )
    message = expect_start_up_refused(
        error, KEY_VARIABLE, because="a signing key needs at least 32 characters"
    )
    expect(
        not leaks(message, SHORT_KEY),
        expected="a start-up error that names the variable without showing its value",
        got=error_summary(message),
        note="model_config = SettingsConfigDict(..., hide_input_in_errors=True)",
    )


@check("05.5")
async def settings_are_read_once_at_start_up(ctx: Check) -> None:
    """Changing the environment after start-up, even before the first request, changes nothing."""
    async with started(ctx, {KEY_VARIABLE: SIGNING_KEY, LIMIT_VARIABLE: "2"}) as client:
        ctx.setenv(KEY_VARIABLE, SHORT_KEY)
        ctx.setenv(LIMIT_VARIABLE, "50")
        project_id = await new_project(client)
        created = await client.post(f"/projects/{project_id}/share-link")
        expect(
            created.status_code == 201,
            expected="a share link signed with the key read at start-up (201), although "
            f"{KEY_VARIABLE} was changed to a key too short to accept after start-up, before "
            "the first request",
            got=created,
            response=created,
            note="The routes must receive the settings read and validated at start-up: a "
            "cached get_settings() (@lru_cache), called first thing in the lifespan (not a "
            "Settings() of the lifespan's own), holds them before the first request.",
        )
        path = str(json_body(created).get("path"))
        ctx.setenv(KEY_VARIABLE, OTHER_KEY)
        opened = await client.get(path)
        expect_status(
            opened,
            200,
            because=f"the app started with the key that signed this link; {KEY_VARIABLE} "
            "changed while it ran, which must change nothing before a restart",
        )
        await expect_limit(client, 2, because="the app started with a limit of 2")


@check("05.5")
async def a_test_can_override_the_settings(ctx: Check) -> None:
    """get_settings is cached, and app.dependency_overrides[get_settings] replaces the settings."""
    configure(ctx, {KEY_VARIABLE: SIGNING_KEY})
    with working_directory(ctx):
        get_settings = get_settings_function(ctx)
        expect(
            get_settings() is get_settings(),
            expected="get_settings() to return the same object every time (@lru_cache)",
            got="a new settings object on each call",
        )
        app = ctx.app()
        overrides = getattr(app, "dependency_overrides", None)
        expect(isinstance(overrides, dict), expected="a FastAPI app", got=app)
        assert isinstance(overrides, dict)
        current = get_settings()
        other_key = (
            SecretStr(OTHER_KEY) if isinstance(current.signing_key, SecretStr) else OTHER_KEY
        )
        strict = current.model_copy(update={"max_tasks_per_project": 1, "signing_key": other_key})
        overrides[get_settings] = lambda: strict
    async with started(ctx, {KEY_VARIABLE: SIGNING_KEY}, app=app) as client:
        await expect_limit(client, 1, because="the test overrode max_tasks_per_project to 1")
        project_id = await new_project(client)
        path = await share_link_path(client, project_id)
        opened_overridden = await client.get(path)
        overrides.pop(get_settings, None)
        opened_real = await client.get(path)
    expect_status(
        opened_overridden, 200, because="the link was signed and opened under the same override"
    )
    expect(
        opened_real.status_code == 404,
        expected="a link signed while the test overrode the signing key to open nothing (404) "
        f"once the override is removed and the app is back on {KEY_VARIABLE}'s key",
        got=f"{opened_real.status_code}: the link was signed with {KEY_VARIABLE}'s key, not "
        "with the key of the overriding settings",
        response=opened_real,
        note="Every use of the settings, the signing key included, must come from "
        "Depends(get_settings) and be passed down: a module that calls get_settings() "
        "itself is out of a test's reach.",
    )


def get_settings_function(ctx: Check) -> Any:
    """`get_settings` from the target's app/core/config.py, or a failure saying it is missing."""
    config = ctx.module("app.core.config")
    get_settings = getattr(config, "get_settings", None)
    if not callable(get_settings):
        names = sorted(name for name in vars(config) if not name.startswith("_"))
        expect(
            False,
            expected="a function get_settings() in app/core/config.py that returns the settings",
            got=f"app/core/config.py defines only: {', '.join(names) or 'nothing'}",
        )
    return get_settings
