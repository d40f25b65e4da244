"""Checks for lesson 45: the service as it runs in production.

The runtime checks start the learner's real server (`python -m app`) on a free loopback
port, in a working directory of their own, and talk to it over TCP; they stop it with SIGTERM
as a container runtime does. The image checks read the Dockerfile (no image can be built
here: there is no container registry) and run hadolint on it.
"""

import asyncio
import contextlib
import json
import os
import re
import shlex
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import httpx

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

LIVENESS = "/health/live"
FORGED_CLIENT = "203.0.113.7"  # TEST-NET-3: nobody's real address
STARTUP_SECONDS = 45.0
SECRET_WORDS = re.compile(
    r"SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL"
    r"|(?:^|_)(?:PWD|PASS|PW)(?:_|$)",
    re.I,
)
HADOLINT_LEVELS = ("error", "warning", "info")


# --- a real server ---------------------------------------------------------------------------


@dataclass
class Server:
    process: asyncio.subprocess.Process
    host: str
    port: int
    workdir: Path
    stdout: Path
    stderr: Path
    stopped: bool = field(default=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def output(self) -> tuple[str, str]:
        return (
            self.stdout.read_text(encoding="utf-8", errors="replace"),
            self.stderr.read_text(encoding="utf-8", errors="replace"),
        )

    def tail(self) -> str:
        """The end of both streams, without what differs between runs (times, pids)."""
        out, err = (steady(text)[-600:] or "(empty)" for text in self.output())
        return f"stdout: {out}\nstderr: {err}"


def steady(text: str) -> str:
    text = re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?", "<time>", text)
    return re.sub(r"process \[\d+\]", "process [<pid>]", text)


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def server_environment(ctx: Check, overrides: dict[str, str]) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("APP_")}
    env.update(
        {
            "PYTHONPATH": str(ctx.root),
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "APP_WORKERS": "1",
            "APP_TRUSTED_PROXIES": "127.0.0.1",
        }
    )
    env.update(overrides)
    return env


# Run as `python -m app`, with a SIGUSR1 handler first that logs one INFO record from a logger
# under `app.` (whatever the learner's code logs, this shows where the app's records go).
PROBE_MESSAGE = "workbook probe: an INFO record from logger app.workbook_probe"
PROBE_BOOTSTRAP = f"""
import logging, runpy, signal
probe = logging.getLogger("app.workbook_probe")
signal.signal(signal.SIGUSR1, lambda *_: probe.info({PROBE_MESSAGE!r}))
runpy.run_module("app", run_name="__main__", alter_sys=True)
"""


@contextlib.asynccontextmanager
async def running_server(
    ctx: Check,
    rule: str,
    *,
    host: str = "127.0.0.1",
    workers: int = 1,
    unset: tuple[str, ...] = (),
    probe: bool = False,
    **settings: str,
) -> AsyncIterator[Server]:
    """`python -m app` with APP_HOST/APP_PORT/APP_WORKERS set; stopped (group-killed) after.

    `unset` names settings left to the code's default (`"host"`, `"workers"`, ...): the server
    is then expected on 127.0.0.1. With `probe`, SIGUSR1 makes the server log PROBE_MESSAGE.
    A server that does not come up where the settings say fails the checks of rule 45.1 and
    blocks the others (they cannot run without it).
    """
    if not (ctx.root / "app" / "__main__.py").is_file():
        raise Blocked("45.1", "app/__main__.py does not exist, so `python -m app` cannot start")
    port = free_port(host)
    workdir = ctx.tmp_path / f"run-{port}"
    workdir.mkdir()
    overrides = {"APP_HOST": host, "APP_PORT": str(port), "APP_WORKERS": str(workers)}
    overrides.update({f"APP_{name.upper()}": value for name, value in settings.items()})
    environment = server_environment(ctx, overrides)
    for name in unset:
        environment.pop(f"APP_{name.upper()}", None)
    command = ["-c", PROBE_BOOTSTRAP] if probe else ["-m", "app"]
    stdout, stderr = workdir.parent / f"stdout-{port}.txt", workdir.parent / f"stderr-{port}.txt"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *command, cwd=workdir, env=environment,
            stdout=out, stderr=err, start_new_session=True,
        )
    server = Server(process, host, port, workdir, stdout, stderr)
    described = ", ".join(
        f"APP_{name.upper()} unset" if name in unset else f"APP_{name.upper()}={value}"
        for name, value in [("host", host), ("port", str(port)), ("workers", str(workers))]
    )
    try:
        try:
            await wait_until_serving(server, described)
        except ServerDidNotStart as failure:
            if rule != "45.1":
                raise Blocked("45.1", f"expected {failure.expected}; {failure.got}") from None
            expect(False, expected=failure.expected, got=failure.got)
        yield server
    finally:
        await stop(server)


async def wait_until_serving(server: Server, described: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_SECONDS
    elsewhere: list[str] = []
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as client:
        while loop.time() < deadline and server.process.returncode is None:
            with contextlib.suppress(httpx.TransportError):
                response = await client.get(LIVENESS)
                if response.status_code == 200:
                    return
            elsewhere = [
                address
                for address in listening_addresses(server)
                if address != f"{server.host}:{server.port}"
            ]
            if elsewhere:
                break
            await asyncio.sleep(0.2)
    if elsewhere:
        got = f"it listens on {', '.join(elsewhere)} instead"
    elif server.process.returncode is not None:
        got = f"it exited with code {server.process.returncode}\n{server.tail()}"
    else:
        got = f"no answer within {STARTUP_SECONDS:.0f} seconds\n{server.tail()}"
    raise ServerDidNotStart(
        f"`python -m app` to serve GET {LIVENESS} on {server.url} ({described})",
        got,
    )


class ServerDidNotStart(Exception):
    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"{expected}: {got}")
        self.expected = expected
        self.got = got


def listening_addresses(server: Server) -> list[str]:
    """host:port of every TCP socket the server (or a child) listens on, from /proc."""
    inodes: set[str] = set()
    for pid in [server.process.pid, *worker_pids(server)]:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
    addresses: list[str] = []
    with contextlib.suppress(OSError):
        for row in Path(f"/proc/{server.process.pid}/net/tcp").read_text().splitlines()[1:]:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A" and fields[9] in inodes:
                host_hex, port_hex = fields[1].split(":")
                host = socket.inet_ntoa(bytes.fromhex(host_hex)[::-1])
                addresses.append(f"{host}:{int(port_hex, 16)}")
    return addresses


def worker_pids(server: Server) -> list[int]:
    """Child processes of the server that serve (multiprocessing's resource tracker aside)."""
    pid = server.process.pid
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    workers: list[int] = []
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"resource_tracker" not in command:
            workers.append(int(child))
    return workers


async def stop(server: Server) -> None:
    if server.process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.process.wait(), timeout=10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.process.pid, signal.SIGKILL)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(server.process.wait(), timeout=5)


def connection_is_refused(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect((host, port))
        except ConnectionRefusedError:
            return True
        except OSError:
            return False
        return False


# --- 45.1 -----------------------------------------------------------------------------------


@check("45.1", timeout=120)
async def the_server_binds_where_the_settings_say(ctx: Check) -> None:
    """`python -m app` with APP_HOST=127.0.0.3 and a free APP_PORT listens there and only there."""
    async with running_server(ctx, "45.1", host="127.0.0.3") as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            response = await client.get(LIVENESS)
        expect_status(response, 200, because="the server listens on APP_HOST:APP_PORT")
        expect(
            connection_is_refused("127.0.0.1", server.port),
            expected=f"nothing listening on 127.0.0.1:{server.port}: the server binds APP_HOST "
            "only, not every interface (0.0.0.0 is for containers, set by the environment)",
            got="127.0.0.1 accepted the connection",
        )


@check("45.1", timeout=120)
async def the_worker_count_comes_from_the_settings(ctx: Check) -> None:
    """With APP_WORKERS=2, the server runs two worker processes."""
    async with running_server(ctx, "45.1", workers=2) as server:
        workers = worker_pids(server)
        for _ in range(100):
            if len(workers) >= 2:
                break
            await asyncio.sleep(0.2)
            workers = worker_pids(server)
        expect(
            len(workers) >= 2,
            expected="two worker processes under the server (uvicorn.run(..., workers=2))",
            got=f"{len(workers)} worker process(es)",
        )


@check("45.1", timeout=120)
async def without_the_settings_it_listens_on_loopback_with_one_process(ctx: Check) -> None:
    """With APP_HOST and APP_WORKERS unset, the server listens on 127.0.0.1 only, one process."""
    async with running_server(ctx, "45.1", unset=("host", "workers")) as server:
        expect(
            connection_is_refused("127.0.0.2", server.port),
            expected="nothing listening on 127.0.0.2 at the server's port: without APP_HOST "
            "the server binds loopback (127.0.0.1) only; 0.0.0.0 is the environment's decision "
            "(the image sets APP_HOST), never a default in code",
            got="127.0.0.2 accepted the connection: it listens on "
            + (", ".join(sorted({a.rpartition(":")[0] for a in listening_addresses(server)}))
               or "every interface"),
        )
        workers = worker_pids(server)
        expect(
            len(workers) <= 1,
            expected="one process without APP_WORKERS: the worker count depends on the machine "
            "the service is deployed on, so the environment sets it (default 1)",
            got="more than one worker process",
        )


# --- 45.2 -----------------------------------------------------------------------------------


DRAIN_NOTE = (
    "APP_GRACEFUL_SHUTDOWN_SECONDS is unset in this check: the default in code must outlast the "
    "6 s report (timeout_graceful_shutdown), and no signal handler of your own may exit at once"
)


@check("45.2", timeout=120)
async def an_in_flight_request_finishes_after_sigterm(ctx: Check) -> None:
    """After SIGTERM, new connections are refused and a running slow request still completes."""
    async with running_server(ctx, "45.2", report_seconds="6") as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            slow = asyncio.create_task(client.get("/reports/weekly"))
            await asyncio.sleep(0.3)
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as probe:
                expect_status(await probe.get(LIVENESS), 200)  # the server has read the request
            await asyncio.sleep(0.3)
            expect(not slow.done(), expected="the report still running when SIGTERM is sent",
                   got="it had already finished")
            server.process.send_signal(signal.SIGTERM)
            is_refused = False
            for _ in range(30):
                if slow.done():
                    break
                if connection_is_refused(server.host, server.port):
                    is_refused = True
                    break
                await asyncio.sleep(0.1)
            try:
                response = await slow
            except httpx.TransportError as error:
                expect(
                    False,
                    expected="the in-flight GET /reports/weekly to get its 200 after SIGTERM",
                    got=f"the connection broke: {type(error).__name__}: {error}",
                    note=DRAIN_NOTE,
                )
                return
        expect(
            response.status_code == 200,
            expected="status 200 for the in-flight GET /reports/weekly (a deploy must not cut "
            "off a request in flight)",
            got=response,
            response=response,
            note=DRAIN_NOTE,
        )
        expect(json_body(response).get("is_complete") is True, expected="the complete report",
               got=response, response=response)
        expect(
            is_refused,
            expected="new connections refused while the last request drains (the listening "
            "socket closes at SIGTERM, so the load balancer moves on)",
            got="connections were still accepted after SIGTERM",
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.process.wait(), timeout=20)
        expect(
            server.process.returncode is not None,
            expected="the server to exit once the request is answered",
            got=f"still running\n{server.tail()}",
        )


@check("45.2", timeout=120)
async def the_drain_is_bounded_by_the_setting(ctx: Check) -> None:
    """With APP_GRACEFUL_SHUTDOWN_SECONDS=2, SIGTERM ends the server long before a 20 s request."""
    async with running_server(
        ctx, "45.2", report_seconds="20", graceful_shutdown_seconds="2"
    ) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            slow = asyncio.create_task(client.get("/reports/weekly"))
            await asyncio.sleep(0.3)
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as probe:
                expect_status(await probe.get(LIVENESS), 200)  # the server has read the request
            await asyncio.sleep(0.3)
            server.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.process.wait(), timeout=12)
            slow.cancel()
            with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                await slow
        expect(
            server.process.returncode is not None,
            expected="the server to exit within a few seconds of SIGTERM with "
            "APP_GRACEFUL_SHUTDOWN_SECONDS=2, cutting off the 20 s report: the drain needs a "
            "finite bound from the settings (timeout_graceful_shutdown="
            "settings.graceful_shutdown_seconds) below the platform's kill timeout, or the "
            "platform kills the process mid-request",
            got="still running 12 s after SIGTERM, waiting for the report",
        )


# --- 45.3 -----------------------------------------------------------------------------------


async def create_from(server: Server, local_address: str) -> httpx.Response:
    transport = httpx.AsyncHTTPTransport(local_address=local_address)
    async with httpx.AsyncClient(base_url=server.url, transport=transport, timeout=10) as client:
        return await client.post(
            "/tasks",
            json={"title": "Audit me"},
            headers={"X-Forwarded-For": FORGED_CLIENT, "X-Forwarded-Proto": "https"},
        )


def expect_client_view(response: httpx.Response, client: str, scheme: str, because: str) -> None:
    expect_status(response, 201)
    body = json_body(response)
    location = response.headers.get("location", "")
    expect(
        body.get("created_from") == client and location.startswith(f"{scheme}://"),
        expected=f"created_from {client!r} and a Location starting {scheme}:// ({because})",
        got=f"created_from {body.get('created_from')!r}, Location {location!r}",
        response=response,
    )


@check("45.3", timeout=120)
async def forwarded_headers_from_an_untrusted_client_are_ignored(ctx: Check) -> None:
    """From 127.0.0.2 (not a trusted proxy), X-Forwarded-For/-Proto change nothing."""
    async with running_server(ctx, "45.3", trusted_proxies="127.0.0.1") as server:
        trusted = await create_from(server, "127.0.0.1")
        expect_client_view(trusted, FORGED_CLIENT, "https",
                           "127.0.0.1 is the trusted proxy: its headers are believed")
        forged = await create_from(server, "127.0.0.2")
        expect_client_view(forged, "127.0.0.2", "http",
                           "127.0.0.2 is not a proxy: anyone can send those headers")


@check("45.3", timeout=120)
async def the_trusted_proxies_come_from_the_settings(ctx: Check) -> None:
    """With APP_TRUSTED_PROXIES=127.0.0.2, that address is believed and 127.0.0.1 is not."""
    async with running_server(ctx, "45.3", trusted_proxies="127.0.0.2") as server:
        believed = await create_from(server, "127.0.0.2")
        expect_client_view(believed, FORGED_CLIENT, "https",
                           "APP_TRUSTED_PROXIES names 127.0.0.2")
        ignored = await create_from(server, "127.0.0.1")
        expect_client_view(ignored, "127.0.0.1", "http",
                           "127.0.0.1 is not in APP_TRUSTED_PROXIES this time")


@check("45.3", timeout=120)
async def without_the_setting_an_untrusted_client_is_not_believed(ctx: Check) -> None:
    """With APP_TRUSTED_PROXIES unset, X-Forwarded-For/-Proto from 127.0.0.2 change nothing."""
    async with running_server(ctx, "45.3", unset=("trusted_proxies",)) as server:
        forged = await create_from(server, "127.0.0.2")
    expect_client_view(
        forged, "127.0.0.2", "http",
        "APP_TRUSTED_PROXIES is unset: the default in code trusts loopback at most, never "
        "\"*\"; the real proxy's address comes from the environment",
    )


# --- 45.4 -----------------------------------------------------------------------------------


@check("45.4", timeout=120)
async def every_log_line_goes_to_stdout(ctx: Check) -> None:
    """Start-up, access and the app's INFO logs go to stdout; nothing to stderr, no log file."""
    async with running_server(ctx, "45.4", probe=True) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            expect_status(await client.post("/tasks", json={"title": "Log me"}), 201)
        server.process.send_signal(signal.SIGUSR1)
        for _ in range(50):
            if probe_places(server):
                break
            await asyncio.sleep(0.1)
        await stop(server)
    out, err = server.output()
    expect(
        "POST /tasks" in out and "startup complete" in out.lower(),
        expected="the access log line for POST /tasks and the start-up messages on stdout",
        got=f"stdout: {steady(out)[-700:] or '(empty)'}",
        note="pass uvicorn a log_config whose handlers write to ext://sys.stdout",
    )
    files = sorted(str(path.relative_to(server.workdir)) for path in server.workdir.rglob("*"))
    expect(not files, expected="no files written in the working directory (no log file)",
           got=", ".join(files))
    places = probe_places(server)
    expect(
        "stdout" in places,
        expected="an INFO record of a logger under app. (logging.getLogger(__name__) in "
        "app/...) on stdout: give the app's loggers (\"app\" or the root logger) a stdout "
        "handler at INFO in the same log_config",
        got=f"it went to {' and '.join(places)}" if places else "nowhere: it was dropped",
        note="the check's server logs it from logger app.workbook_probe once it is serving",
    )
    log_lines = [line for line in err.splitlines() if line.strip()]
    expect(not log_lines, expected="nothing on stderr", got=steady("\n".join(log_lines[-8:])))


def probe_places(server: Server) -> list[str]:
    """Where PROBE_MESSAGE was written: stdout, stderr, files of the working directory."""
    out, err = server.output()
    places = [name for name, text in (("stdout", out), ("stderr", err)) if PROBE_MESSAGE in text]
    for path in sorted(server.workdir.rglob("*")):
        with contextlib.suppress(OSError):
            if path.is_file() and PROBE_MESSAGE in path.read_text(errors="replace"):
                places.append(str(path.relative_to(server.workdir)))
    return places


# --- the Dockerfile -------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str
    arguments: str


def dockerfile(ctx: Check, rule: str) -> list[Instruction]:
    path = ctx.root / "Dockerfile"
    if not path.is_file():
        raise Blocked("45.5", "there is no Dockerfile beside app/")
    return parse_dockerfile(path.read_text(encoding="utf-8"))


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined; comments and blank lines dropped."""
    instructions: list[Instruction] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, arguments = full.partition(" ")
        instructions.append(Instruction(start, keyword.upper(), arguments.strip()))
    return instructions


def stages(instructions: list[Instruction]) -> list[list[Instruction]]:
    found: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            found.append([instruction])
        elif found:
            found[-1].append(instruction)
    return found


def from_image(instruction: Instruction) -> tuple[str, str]:
    """(image reference, stage name) of a FROM line, flags such as --platform skipped."""
    words = [word for word in instruction.arguments.split() if not word.startswith("--")]
    image = words[0] if words else ""
    name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else ""
    return image, name


def final_stage(found: list[list[Instruction]]) -> tuple[str, list[Instruction]]:
    """The image the final stage starts from and its instructions, with those of the stages
    it is built `FROM` (by name) first: everything the runtime image inherits."""
    if not found:
        return "", []
    by_name = {from_image(stage[0])[1].lower(): stage for stage in found if from_image(stage[0])[1]}
    chain: list[Instruction] = []
    stage = found[-1]
    for _ in range(len(found)):
        chain = stage[1:] + chain
        image = from_image(stage[0])[0]
        parent = by_name.get(image.lower())
        if parent is None or parent is stage:
            return image, chain
        stage = parent
    return from_image(stage[0])[0], chain


def is_pinned(image: str) -> bool:
    """A digest, or a tag that names a full version (3.11.11-slim), not latest or 3.11."""
    if re.search(r"@sha256:[0-9a-f]{64}$", image):
        return True
    _, _, tag = image.rpartition(":")
    if "/" in tag or not tag or tag == image:
        return False
    return bool(re.match(r"\d+\.\d+\.\d+", tag))


def is_slim(image: str) -> bool:
    return bool(re.search(r"slim|alpine|distroless", image.lower()))


def env_values(instructions: list[Instruction]) -> dict[str, str]:
    """The value each ENV name has at the end of `instructions` (the last one wins)."""
    values: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "ENV":
            values.update(declared_names(instruction))
    return values


def command_words(arguments: str) -> list[str]:
    """The words of a CMD / HEALTHCHECK CMD, exec (JSON) or shell form."""
    text = arguments.strip()
    if text.startswith("["):
        with contextlib.suppress(json.JSONDecodeError):
            words = json.loads(text)
            if isinstance(words, list):
                return [str(word) for word in words]
    with contextlib.suppress(ValueError):
        return shlex.split(text, posix=True)
    return text.split()


def is_exec_form(arguments: str) -> bool:
    with contextlib.suppress(json.JSONDecodeError):
        return isinstance(json.loads(arguments.strip()), list)
    return False


def last(instructions: list[Instruction], keyword: str) -> Instruction | None:
    found = [instruction for instruction in instructions if instruction.keyword == keyword]
    return found[-1] if found else None


def container_command(chain: list[Instruction]) -> list[str]:
    """What the container runs: ENTRYPOINT (exec form) followed by CMD as its arguments."""
    entrypoint, cmd = last(chain, "ENTRYPOINT"), last(chain, "CMD")
    words = command_words(entrypoint.arguments) if entrypoint else []
    if cmd and (entrypoint is None or is_exec_form(entrypoint.arguments)):
        words += command_words(cmd.arguments)
    return words


SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
INITS = frozenset({"tini", "tini-static", "dumb-init", "catatonit"})
PYTHON_M_APP = re.compile(
    r"(?:^|[\s/])python[\d.]*(?:\s+-[^m\s-]\w*)*\s+-m\s+app(?:\.__main__)?(?:\s|$|;)"
)
EXEC_LINE = re.compile(r"^\s*exec\s", re.M)


def entry_script(ctx: Check, chain: list[Instruction], words: list[str]) -> tuple[str, str]:
    """(path, text) of the script the container starts, if it starts one from the build
    context (`["/srv/entrypoint.sh"]`, `["bash", "entrypoint.sh"]`); ("", "") otherwise."""
    if not words:
        return "", ""
    program = words[0]
    if PurePosixPath(program).name in SHELLS and len(words) > 1 and words[1] != "-c":
        program = words[1]
    name = PurePosixPath(program).name
    if PurePosixPath(words[0]).name in SHELLS and program == words[0]:
        return "", ""
    sources = [
        source
        for instruction in chain
        if instruction.keyword in ("COPY", "ADD")
        and not any(word.startswith("--from") for word in instruction.arguments.split())
        for source in [w for w in instruction.arguments.split() if not w.startswith("--")][:-1]
        if PurePosixPath(source).name == name
    ]
    for source in [*sources, name]:
        path = ctx.root / source
        if path.is_file() and path.resolve().is_relative_to(ctx.root.resolve()):
            return program, path.read_text(encoding="utf-8", errors="replace")
    return "", ""


def signal_problem(ctx: Check, chain: list[Instruction]) -> str:
    """Why SIGTERM would not reach the server in the container ("" when it would)."""
    for keyword in ("ENTRYPOINT", "CMD"):
        instruction = last(chain, keyword)
        if instruction and not is_exec_form(instruction.arguments):
            return (
                f"line {instruction.line}: {keyword} {instruction.arguments} is shell form: "
                "/bin/sh -c runs as PID 1"
            )
    words = container_command(chain)
    if not words:
        return "no CMD in the final stage"
    program = PurePosixPath(words[0]).name
    if program in INITS:
        return ""
    shown = json.dumps(words)
    if program in SHELLS and "-c" in words:
        script = words[words.index("-c") + 1] if words.index("-c") + 1 < len(words) else ""
        if not re.match(r"\s*exec\s", script):
            return f"{shown}: {words[0]} -c runs as PID 1 and the server is its child"
        return ""
    path, text = entry_script(ctx, chain, words)
    if path and not EXEC_LINE.search(text):
        return f"{shown}: the script {path} runs the server as its child, without exec"
    return ""


@check("45.1")
async def the_image_runs_python_m_app_on_every_interface(ctx: Check) -> None:
    """The image starts `python -m app` (the settings-driven entry) and sets APP_HOST for it."""
    _, chain = final_stage(stages(dockerfile(ctx, "45.1")))
    words = container_command(chain)
    _, script = entry_script(ctx, chain, words)
    expect(
        bool(PYTHON_M_APP.search(" ".join(words)) or PYTHON_M_APP.search(script)),
        expected="the container to run `python -m app` (CMD [\"python\", \"-m\", \"app\"]): "
        "the uvicorn CLI (or another entry) skips what app/__main__.py reads from the "
        "settings: APP_WORKERS, the trusted proxies, the drain bound, the stdout log_config",
        got=f"it runs {json.dumps(words)}" if words else "no CMD in the final stage",
    )
    host = env_values(chain).get("APP_HOST", "")
    expect(
        bool(host) and not re.match(r"127\.|localhost$|::1$|\[::1\]$", host),
        expected="ENV APP_HOST=0.0.0.0 in the final stage: inside a container, loopback is "
        "the container's own, so a server on 127.0.0.1 cannot be reached through the "
        "published port (the code's default stays loopback)",
        got=f"APP_HOST={host}" if host else "APP_HOST is not set in the image",
    )


@check("45.3", baseline=True)
async def the_image_does_not_trust_every_client(ctx: Check) -> None:
    """No ENV, ARG or CMD in the Dockerfile sets the trusted proxies to "*"."""
    found: list[str] = []
    for instruction in dockerfile(ctx, "45.3"):
        if instruction.keyword in ("ENV", "ARG"):
            found += [
                f"line {instruction.line}: {instruction.keyword} {name}={value}"
                for name, value in declared_names(instruction)
                if name.upper() in ("APP_TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS") and "*" in value
            ]
        if instruction.keyword in ("CMD", "ENTRYPOINT"):
            text = " ".join(command_words(instruction.arguments))
            if re.search(r"--forwarded-allow-ips[=\s]+\S*\*", text):
                found.append(f"line {instruction.line}: {instruction.keyword} {text}")
    expect(
        not found,
        expected="no \"*\" for the trusted proxies in the image: anyone who reaches the "
        "container could forge X-Forwarded-For / -Proto. The platform knows the proxy's "
        "address and sets APP_TRUSTED_PROXIES at run time",
        got="\n".join(found),
    )


def unpinned_requirements(ctx: Check) -> list[str]:
    """Lines of requirements.txt that do not pin one exact version (name==1.2.3)."""
    path = ctx.root / "requirements.txt"
    if not path.is_file():
        return []
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8", errors="replace"))
    loose: list[str] = []
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not line or line.startswith("-"):
            continue
        requirement = line.split(";")[0].strip()
        if " @ " in requirement:
            continue  # a direct reference: one exact artefact
        if not re.fullmatch(r"[A-Za-z0-9._-]+(\[[^\]]*\])?\s*===?\s*[^\s,*<>=!~]+(\s+--hash\S*)*",
                            re.sub(r"\s+--hash[=\s]\S+", "", requirement)):
            loose.append(f"requirements.txt: {raw.strip()}")
    return loose


@check("45.5")
async def the_dockerfile_passes_hadolint(ctx: Check) -> None:
    """hadolint finds no error, warning or info in the Dockerfile."""
    dockerfile(ctx, "45.5")
    binary = Path(sys.executable).with_name("hadolint")
    if not binary.is_file():
        raise Blocked("45.5", f"hadolint is not installed at {binary} (./setup.sh installs it)")
    process = await asyncio.create_subprocess_exec(
        str(binary), "--no-fail", "--format", "json", "Dockerfile",
        cwd=ctx.root, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    findings = json.loads(output.decode() or "[]")
    serious = [f for f in findings if f.get("level") in HADOLINT_LEVELS]
    expect(
        not serious,
        expected="a Dockerfile hadolint has nothing to say about (errors, warnings, infos)",
        got="\n".join(
            f"line {f.get('line')}: {f.get('code')} ({f.get('level')}) {f.get('message')}"
            for f in serious
        ),
    )


@check("45.5")
async def the_image_is_multi_stage_pinned_and_non_root(ctx: Check) -> None:
    """Two or more stages, pinned base images and requirements, a non-root final USER."""
    found = stages(dockerfile(ctx, "45.5"))
    expect(len(found) >= 2,
           expected="a multi-stage build: build tools in one stage, a slim runtime stage last",
           got=f"{len(found)} stage(s)")
    names = {from_image(stage[0])[1] for stage in found}
    unpinned = [
        f"line {stage[0].line}: FROM {image}"
        for stage in found
        for image, _ in [from_image(stage[0])]
        if image not in names and not is_pinned(image)
    ]
    expect(not unpinned,
           expected="every base image pinned to a full version tag or a digest "
           "(python:3.11.11-slim-bookworm, or @sha256:...)",
           got="\n".join(unpinned))
    loose = unpinned_requirements(ctx)
    expect(not loose,
           expected="every package in requirements.txt pinned to one version (fastapi==0.115.6): "
           "a pinned base image with unpinned packages still builds a different image each time",
           got="\n".join(loose))
    users = [i for i in found[-1] if i.keyword == "USER"]
    last_user = users[-1].arguments.split(":")[0].strip() if users else ""
    expect(
        bool(users) and last_user not in ("root", "0", ""),
        expected="a USER instruction in the final stage naming a non-root user (10001)",
        got=f"USER {users[-1].arguments}" if users else "no USER in the final stage: root",
    )


INSTALLS = re.compile(r"\bpip[\d.]*\s+install\b|\buv\s+sync\b|\bpoetry\s+install\b|"
                      r"\bpipenv\s+install\b")


@check("45.5")
async def the_runtime_stage_is_slim_and_installs_nothing(ctx: Check) -> None:
    """The final stage starts from a slim image and copies the environment the build made."""
    found = stages(dockerfile(ctx, "45.5"))
    base, chain = final_stage(found)
    expect(
        is_slim(base),
        expected="a slim runtime base (python:3.11.11-slim-bookworm; with a digest, keep the "
        "tag beside it): the full image carries compilers and headers the service never runs",
        got=f"FROM {base}" if base else "no FROM",
    )
    installs = [
        f"line {i.line}: RUN {i.arguments}" for i in chain if i.keyword == "RUN"
        and INSTALLS.search(i.arguments)
    ]
    expect(
        not installs,
        expected="no package install in the runtime stage: build the virtual environment in "
        "the build stage and COPY --from=build it, so pip and its caches stay behind",
        got="\n".join(installs),
    )


@check("45.5")
async def the_server_gets_sigterm_in_the_container(ctx: Check) -> None:
    """CMD/ENTRYPOINT in exec form, no shell left as PID 1 (sh -c, a script without exec)."""
    _, chain = final_stage(stages(dockerfile(ctx, "45.5")))
    problem = signal_problem(ctx, chain)
    expect(
        not problem,
        expected="the server as PID 1 of the container, so docker stop's SIGTERM reaches it "
        "(CMD [\"python\", \"-m\", \"app\"]; an entrypoint script ends with "
        "`exec \"$@\"` or `exec python -m app`): a shell in between does not pass SIGTERM "
        "on, and the platform kills the server mid-request after its timeout",
        got=problem,
    )


def url_port(netloc: str) -> int:
    host_port = netloc.rpartition("@")[2]
    port = re.search(r":(\d+)$", host_port)
    return int(port.group(1)) if port else 80


@check("45.5")
async def the_healthcheck_asks_the_liveness_route(ctx: Check) -> None:
    """The final HEALTHCHECK asks /health/live on the server's port with a tool the image has."""
    found = stages(dockerfile(ctx, "45.5"))
    checks = [i for i in found[-1] if i.keyword == "HEALTHCHECK"] if found else []
    expect(bool(checks), expected="a HEALTHCHECK in the final stage", got="none")
    arguments = checks[-1].arguments
    expect(not arguments.upper().startswith("NONE"), expected="a HEALTHCHECK that checks",
           got=f"HEALTHCHECK {arguments}")
    command = re.split(r"\bCMD\b", arguments, maxsplit=1)
    expect(len(command) == 2, expected="HEALTHCHECK [options] CMD <command>",
           got=f"HEALTHCHECK {arguments}")
    text = " ".join(command_words(command[1]))
    urls = re.findall(r"https?://([^/\s'\"]+)(/[^\s'\",)]*)", text)
    expect(bool(urls), expected="the health check to request an http:// URL of the service",
           got=command[1])
    base, chain = final_stage(found)
    runs = " ".join(i.arguments for i in chain if i.keyword == "RUN")
    missing = [
        tool
        for tool in sorted(set(re.findall(r"(?<![\w.-])(curl|wget)(?![\w.-])", text)))
        if not re.search(rf"\b{tool}\b", runs)
        and is_slim(base)
        and not (tool == "wget" and "alpine" in base.lower())
    ]
    expect(
        not missing,
        expected="a health check command the runtime image has: a slim image has python but "
        "no curl or wget (CMD [\"python\", \"-c\", \"import urllib.request; "
        "urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2)\"])",
        got=f"it runs {', '.join(missing)}, which FROM {base} does not have and no RUN "
        "installs: the container is never healthy",
    )
    netloc, path = urls[0]
    port = env_values(chain).get("APP_PORT", "8000")
    expect(
        str(url_port(netloc)) == port.strip(),
        expected=f"the health check to ask the port the server listens on, {port} "
        "(APP_PORT in the image, or the default 8000)",
        got=f"it asks http://{netloc}{path}",
    )
    async with ctx.client() as client:
        response = await client.get(path)
    expect_status(response, 200, because=f"the HEALTHCHECK asks {path}: the liveness route")


# --- 45.6 -----------------------------------------------------------------------------------


def declared_names(instruction: Instruction) -> list[tuple[str, str]]:
    """(name, value) pairs of an ENV or ARG instruction, both syntaxes."""
    text = instruction.arguments
    if instruction.keyword == "ENV" and "=" not in text.split(" ")[0]:
        name, _, value = text.partition(" ")
        return [(name, value.strip().strip("\"'"))]
    pairs: list[tuple[str, str]] = []
    try:
        words = shlex.split(text, posix=True)
    except ValueError:
        words = text.split()
    for word in words:
        name, _, value = word.partition("=")
        pairs.append((name, value))
    return pairs


# user:password@ in any URL, or any user part in an http(s) URL (a token as the user name).
CREDENTIAL_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@|https?://[^/\s:@]+@", re.I)
DOTENV = re.compile(r"(^|/)(\.env(\.(?!example$|sample$|template$|dist$)[\w.-]+)?|[\w.-]+\.env)$")


def copied_dotenv(ctx: Check, instruction: Instruction) -> list[str]:
    """The .env files a COPY / ADD puts into the image."""
    if instruction.keyword not in ("COPY", "ADD"):
        return []
    words = [word for word in instruction.arguments.split() if not word.startswith("--")]
    if any(word.startswith("--from") for word in instruction.arguments.split()):
        return []
    sources = words[:-1]
    found = [source for source in sources if DOTENV.search(source.rstrip("/"))]
    ignore = ctx.root / ".dockerignore"
    ignored = ignore.is_file() and re.search(
        r"^\s*(\*\*/)?\.env\*?\s*$", ignore.read_text(encoding="utf-8"), re.M
    )
    copies_all = any(source in (".", "./") for source in sources)
    if copies_all and (ctx.root / ".env").is_file() and not ignored:
        found.append(". (with the .env beside it, not in .dockerignore)")
    return found


@check("45.6")
async def no_secret_is_baked_into_the_image(ctx: Check) -> None:
    """No ENV or ARG holds a secret (by name or in a URL), and no .env file is copied in."""
    leaks: list[str] = []
    for instruction in dockerfile(ctx, "45.6"):
        leaks += [f"line {instruction.line}: {instruction.keyword} {source}"
                  for source in copied_dotenv(ctx, instruction)]
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        for name, value in declared_names(instruction):
            if SECRET_WORDS.search(name) or CREDENTIAL_URL.search(value):
                leaks.append(
                    f"line {instruction.line}: {instruction.keyword} {name}"
                    + (f"={value}" if value else " (a build argument is kept in the image history)")
                )
    expect(
        not leaks,
        expected="no secret in ENV or ARG (by name, or a password or token inside a URL) and no "
        ".env file copied in: layers and `docker history` keep them for anyone who pulls the "
        "image; pass them at run time (environment, secret files) or with "
        "RUN --mount=type=secret during the build",
        got="\n".join(leaks),
    )
