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
from pathlib import Path

import httpx

from workbook.harness import Blocked, Check, check, expect, expect_status, json_body

LIVENESS = "/health/live"
FORGED_CLIENT = "203.0.113.7"  # TEST-NET-3: nobody's real address
STARTUP_SECONDS = 45.0
SECRET_WORDS = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL", re.I)
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


@contextlib.asynccontextmanager
async def running_server(
    ctx: Check, rule: str, *, host: str = "127.0.0.1", workers: int = 1, **settings: str
) -> AsyncIterator[Server]:
    """`python -m app` with APP_HOST/APP_PORT/APP_WORKERS set; stopped (group-killed) after.

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
    stdout, stderr = workdir.parent / f"stdout-{port}.txt", workdir.parent / f"stderr-{port}.txt"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app", cwd=workdir, env=server_environment(ctx, overrides),
            stdout=out, stderr=err, start_new_session=True,
        )
    server = Server(process, host, port, workdir, stdout, stderr)
    try:
        try:
            await wait_until_serving(server, workers)
        except ServerDidNotStart as failure:
            if rule != "45.1":
                raise Blocked("45.1", f"expected {failure.expected}; {failure.got}") from None
            expect(False, expected=failure.expected, got=failure.got)
        yield server
    finally:
        await stop(server)


async def wait_until_serving(server: Server, workers: int) -> None:
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
        f"`python -m app` to serve GET {LIVENESS} on {server.url} (APP_HOST={server.host}, "
        f"APP_PORT={server.port}, APP_WORKERS={workers})",
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


# --- 45.2 -----------------------------------------------------------------------------------


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
                    note="let uvicorn drain: timeout_graceful_shutdown long enough for the "
                    "slowest request, and no signal handler that exits at once",
                )
                return
        expect_status(response, 200, because="a deploy must not cut off a request in flight")
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


# --- 45.4 -----------------------------------------------------------------------------------


@check("45.4", timeout=120)
async def every_log_line_goes_to_stdout(ctx: Check) -> None:
    """Start-up and access logs go to stdout; nothing to stderr, no log file."""
    async with running_server(ctx, "45.4") as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            expect_status(await client.post("/tasks", json={"title": "Log me"}), 201)
        await stop(server)
    out, err = server.output()
    expect(
        "POST /tasks" in out and "startup complete" in out.lower(),
        expected="the access log line for POST /tasks and the start-up messages on stdout",
        got=f"stdout: {steady(out)[-700:] or '(empty)'}",
        note="pass uvicorn a log_config whose handlers write to ext://sys.stdout",
    )
    log_lines = [line for line in err.splitlines() if line.strip()]
    expect(not log_lines, expected="nothing on stderr", got=steady("\n".join(log_lines[-8:])))
    files = sorted(str(path.relative_to(server.workdir)) for path in server.workdir.rglob("*"))
    expect(not files, expected="no files written in the working directory (no log file)",
           got=", ".join(files))


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


def is_pinned(image: str) -> bool:
    """A digest, or a tag that names a full version (3.11.11-slim), not latest or 3.11."""
    if re.search(r"@sha256:[0-9a-f]{64}$", image):
        return True
    _, _, tag = image.rpartition(":")
    if "/" in tag or not tag or tag == image:
        return False
    return bool(re.match(r"\d+\.\d+\.\d+", tag))


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
    """Two or more stages, pinned base images, and a final stage with a non-root USER."""
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
    users = [i for i in found[-1] if i.keyword == "USER"]
    last = users[-1].arguments.split(":")[0].strip() if users else ""
    expect(
        bool(users) and last not in ("root", "0", ""),
        expected="a USER instruction in the final stage naming a non-root user (10001)",
        got=f"USER {users[-1].arguments}" if users else "no USER in the final stage: root",
    )


def command_words(arguments: str) -> list[str]:
    """The words of a CMD / HEALTHCHECK CMD, exec (JSON) or shell form."""
    text = arguments.strip()
    if text.startswith("["):
        with contextlib.suppress(json.JSONDecodeError):
            words = json.loads(text)
            if isinstance(words, list):
                return [str(word) for word in words]
    return shlex.split(text, posix=True)


@check("45.5")
async def the_healthcheck_asks_the_liveness_route(ctx: Check) -> None:
    """The final stage's HEALTHCHECK requests a path the app answers with 200 (/health/live)."""
    found = stages(dockerfile(ctx, "45.5"))
    checks = [i for i in found[-1] if i.keyword == "HEALTHCHECK"] if found else []
    expect(bool(checks), expected="a HEALTHCHECK in the final stage", got="none")
    arguments = checks[-1].arguments
    expect(not arguments.upper().startswith("NONE"), expected="a HEALTHCHECK that checks",
           got=f"HEALTHCHECK {arguments}")
    command = re.split(r"\bCMD\b", arguments, maxsplit=1)
    expect(len(command) == 2, expected="HEALTHCHECK [options] CMD <command>",
           got=f"HEALTHCHECK {arguments}")
    paths = re.findall(r"https?://[^/\s'\"]+(/[^\s'\",)]*)", " ".join(command_words(command[1])))
    expect(bool(paths), expected="the health check to request an http:// URL of the service",
           got=command[1])
    async with ctx.client() as client:
        response = await client.get(paths[0])
    expect_status(response, 200, because=f"the HEALTHCHECK asks {paths[0]}: the liveness route")


# --- 45.6 -----------------------------------------------------------------------------------


def declared_names(instruction: Instruction) -> list[tuple[str, str]]:
    """(name, value) pairs of an ENV or ARG instruction, both syntaxes."""
    text = instruction.arguments
    if instruction.keyword == "ENV" and "=" not in text.split(" ")[0]:
        name, _, value = text.partition(" ")
        return [(name, value.strip())]
    pairs: list[tuple[str, str]] = []
    for word in shlex.split(text, posix=True):
        name, _, value = word.partition("=")
        pairs.append((name, value))
    return pairs


@check("45.6")
async def no_secret_is_baked_into_the_image(ctx: Check) -> None:
    """No ENV or ARG in any stage names a secret (password, token, key...)."""
    leaks = [
        f"line {instruction.line}: {instruction.keyword} {name}"
        + (f"={value}" if value else " (a build argument is kept in the image history)")
        for instruction in dockerfile(ctx, "45.6")
        if instruction.keyword in ("ENV", "ARG")
        for name, value in declared_names(instruction)
        if SECRET_WORDS.search(name)
    ]
    expect(
        not leaks,
        expected="no secret in ENV or ARG: layers and `docker history` keep them for anyone "
        "who pulls the image; pass them at run time (environment, secret files) or with "
        "RUN --mount=type=secret during the build",
        got="\n".join(leaks),
    )
