"""Checks for lesson 37: exports streamed from the database, uploads streamed to disk.

Memory is measured with `tracemalloc` around one request, in the check's own process, so it
is a count of bytes, not a speed. The export and the uploads are driven by a small ASGI
client of the checks' own (httpx's ASGI transport holds a whole response in memory, and
cannot disconnect half-way); connections are counted with SQLAlchemy's pool events, temporary
files by listing the upload folder and a temporary folder of the check's own.
"""

import asyncio
import contextlib
import csv
import functools
import re
import tempfile
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx
from sqlalchemy import event, inspect, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import Pool

from workbook.harness import (
    MUST_BE_REFUSED,
    Blocked,
    Check,
    check,
    expect,
    expect_status,
    json_body,
)

EXPORT_ROWS = 100_000
# A streamed export holds one batch at a time (a few hundred KB); loading 100,000 rows, or
# building the whole CSV, takes several times this.
EXPORT_MEMORY_BOUND = 4 * 1024 * 1024
UPLOAD_LIMIT = 2 * 1024 * 1024  # APP_MAX_UPLOAD_BYTES in these checks
UPLOAD_SIZE = 1536 * 1024  # under the limit
UPLOAD_MEMORY_BOUND = 768 * 1024  # half the upload: the body is never in memory whole
JSON_LIMIT = 16 * 1024  # APP_MAX_JSON_BODY_BYTES in the check of the JSON routes' limit
CHUNK = 64 * 1024
HEX = re.compile(r"[0-9a-f]{16,}")  # generated names, masked so reports stay the same


def title(number: int) -> str:
    return f'Task {number}, "part" ü'


# ---- set-up --------------------------------------------------------------------------------


def configure(ctx: Check) -> Path:
    """The upload folder and the limits the checks use; a temp folder of the check's own."""
    uploads = ctx.tmp_path / "uploads"
    ctx.setenv("APP_UPLOAD_DIR", str(uploads))
    ctx.setenv("APP_MAX_UPLOAD_BYTES", str(UPLOAD_LIMIT))
    temporary = ctx.tmp_path / "tmp"
    temporary.mkdir()
    tempfile.tempdir = str(temporary)  # this check's process only (each check is forked)
    return uploads


def leftovers(ctx: Check, uploads: Path) -> list[str]:
    """Every file in the upload folder and the temporary folder, hidden ones included."""
    found = []
    for folder in (uploads, ctx.tmp_path / "tmp"):
        if folder.is_dir():
            found += [HEX.sub("…", str(path.relative_to(ctx.tmp_path)))
                      for path in folder.rglob("*") if path.is_file()]
    return sorted(found)


async def new_project(client: httpx.AsyncClient) -> int:
    response = await client.post("/projects", json={"name": "Apollo"})
    expect_status(response, 201, because="a valid project is created")
    project_id: int = json_body(response)["id"]
    return project_id


async def insert_tasks(ctx: Check, project_id: int, count: int) -> None:
    """`count` tasks straight into the `task` table, in one statement."""
    if ctx.backend == "postgresql":
        statement = (
            "INSERT INTO task (project_id, title, is_done) "
            "SELECT :project_id, 'Task ' || i || ', \"part\" ü', i % 2 = 1 "
            "FROM generate_series(1, :count) AS i"
        )
    else:
        statement = (
            "INSERT INTO task (project_id, title, is_done) "
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
            "SELECT :project_id, 'Task ' || i || ', \"part\" ü', i % 2 FROM n"
        )
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(statement), {"project_id": project_id,
                                                        "count": count})
    finally:
        await engine.dispose()


# ---- a raw ASGI client ---------------------------------------------------------------------


@dataclass
class Exchange:
    """One request driven straight through the app's ASGI interface."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    received: int = 0  # response body bytes
    sent: int = 0  # request body bytes the app asked for
    body: bytearray = field(default_factory=bytearray)  # kept only when asked

    def json(self) -> Any:
        import json

        return json.loads(bytes(self.body))

    def describe(self) -> str:
        kept = bytes(self.body[:300]).decode("utf-8", "replace")
        return f"{self.status} {self.headers.get('content-type', '')} {kept}".strip()


async def drive(
    ctx: Check,
    method: str,
    path: str,
    *,
    body: Iterator[bytes] | None = None,
    on_body: Callable[[bytes], None] | None = None,
    keep_body: bool = False,
    disconnect_after: int | None = None,
    errors_answered: bool = False,
    headers: dict[str, str] | None = None,
    stall_after: int | None = None,
    stalled: asyncio.Event | None = None,
) -> Exchange:
    """Send a request to the app as a server would; optionally disconnect half-way.

    `disconnect_after`: the client goes away once it has sent (with a body) or received
    (without one) that many bytes.
    `stall_after`: the client stops sending once it has sent that many bytes (and sets
    `stalled`), without going away: the request waits until it is cancelled.
    `errors_answered`: an exception the app raises after answering (its 500) is dropped, as a
    server drops it once it has logged it.
    """
    app = ctx.app()
    exchange = Exchange()
    gone = asyncio.Event()
    request_done = body is None
    target = urlsplit(path)
    raw_headers = [(b"host", b"testserver")] + [
        (name.lower().encode(), value.encode()) for name, value in (headers or {}).items()
    ]
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1", "method": method, "scheme": "http",
        "path": target.path, "raw_path": target.path.encode(),
        "query_string": target.query.encode(), "root_path": "", "headers": raw_headers,
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        "state": dict(ctx.lifespan_state),
    }

    async def receive() -> dict[str, Any]:
        nonlocal request_done
        if not request_done and body is not None and not gone.is_set():
            if stall_after is not None and exchange.sent >= stall_after:
                if stalled is not None:
                    stalled.set()
                await asyncio.Event().wait()  # until the request is cancelled
            chunk = next(body, None)
            if chunk is not None:
                exchange.sent += len(chunk)
                if disconnect_after is not None and exchange.sent >= disconnect_after:
                    gone.set()
                return {"type": "http.request", "body": chunk, "more_body": True}
            request_done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if body is None and not request_done:
            request_done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            exchange.status = message["status"]
            exchange.headers = {name.decode().lower(): value.decode()
                                for name, value in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            exchange.received += len(chunk)
            if keep_body:
                exchange.body += chunk
            if on_body is not None:
                on_body(chunk)
            if disconnect_after is not None and body is None and \
                    exchange.received >= disconnect_after:
                gone.set()
            if not message.get("more_body", False):
                gone.set()

    try:
        await app(scope, receive, send)
    except Exception:
        # A server drops what the app raises once the client has gone (ClientDisconnect).
        gone_away = gone.is_set() and disconnect_after is not None
        if not gone_away and not (errors_answered and exchange.status):
            raise
    return exchange


def peak_size(peak: int) -> str:
    """A peak, as the power of two below it: the same words from run to run."""
    floor = 1 << (max(peak, 1).bit_length() - 1)
    return f"at least {floor // 2**20} MB" if floor >= 2**20 else f"at least {floor // 1024} KB"


@contextlib.contextmanager
def peak_memory() -> Iterator[list[int]]:
    """The peak of memory allocated in the block (tracemalloc), in bytes."""
    result: list[int] = []
    tracemalloc.start()
    try:
        yield result
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result.append(peak)


@contextlib.contextmanager
def checked_out_connections() -> Iterator[list[int]]:
    """A live count of database connections checked out of any SQLAlchemy pool."""
    count = [0]

    def checkout(*args: object) -> None:
        count[0] += 1

    def checkin(*args: object) -> None:
        count[0] -= 1

    event.listen(Pool, "checkout", checkout)
    event.listen(Pool, "checkin", checkin)
    try:
        yield count
    finally:
        event.remove(Pool, "checkout", checkout)
        event.remove(Pool, "checkin", checkin)


class CsvLines:
    """Parses CSV as it streams in, keeping only the unfinished line (no quoted newlines)."""

    def __init__(self) -> None:
        self.pending = b""
        self.rows = 0
        self.header: list[str] = []
        self.samples: dict[int, list[str]] = {}

    def feed(self, chunk: bytes) -> None:
        lines = (self.pending + chunk).split(b"\n")
        self.pending = lines.pop()
        for line in lines:
            self.take(line)

    def take(self, line: bytes) -> None:
        row = next(csv.reader([line.decode("utf-8").rstrip("\r")]))
        if not self.header:
            self.header = row
            return
        self.rows += 1
        if self.rows in (1, EXPORT_ROWS // 2, EXPORT_ROWS):
            self.samples[self.rows] = row

    def finish(self) -> None:
        if self.pending.strip():
            self.take(self.pending)
        self.pending = b""


def zeros(total: int, chunk: int = CHUNK) -> Iterator[bytes]:
    """`total` bytes in chunks, made as they are asked for (never held whole)."""
    block = b"\0" * chunk
    sent = 0
    while sent < total:
        size = min(chunk, total - sent)
        sent += size
        yield block[:size]


async def upload(
    client: httpx.AsyncClient, project_id: int, content: bytes, filename: str = "notes.txt"
) -> httpx.Response:
    return await client.post(f"/projects/{project_id}/attachments",
                             params={"filename": filename}, content=content,
                             headers={"Content-Type": "application/octet-stream"})


async def attachments(client: httpx.AsyncClient, project_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/projects/{project_id}/attachments")
    expect_status(response, 200, because="a project's attachments can be listed")
    listed: list[dict[str, Any]] = json_body(response)
    return listed


def block_if_refused(exchange: Exchange, size: int) -> None:
    """An upload under APP_MAX_UPLOAD_BYTES refused with 413 is rule 37.2's mistake, not 37.3's."""
    if exchange.status == 413:
        raise Blocked("37.2", f"an upload of {size} bytes, under APP_MAX_UPLOAD_BYTES "
                      f"({UPLOAD_LIMIT}), was refused with 413")


async def refuse_writes(ctx: Check) -> None:
    """From now on the database refuses every INSERT and UPDATE: a trigger on every table.

    The app's commit then fails for real (on SQLite and PostgreSQL), whatever its tables."""
    engine = create_async_engine(ctx.database_url)
    try:
        async with engine.begin() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            if ctx.backend == "postgresql":
                await connection.execute(text(
                    "CREATE FUNCTION checks_refuse_writes() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'the checks refuse every write' "
                    "USING ERRCODE = 'check_violation'; END $$"))
            for number, table in enumerate(tables):
                if ctx.backend == "postgresql":
                    statements = [f'CREATE TRIGGER checks_refuse_writes BEFORE INSERT OR UPDATE '
                                  f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION '
                                  'checks_refuse_writes()']
                else:
                    statements = [f'CREATE TRIGGER checks_refuse_{verb}_{number} BEFORE {verb} '
                                  f'ON "{table}" BEGIN SELECT RAISE(ABORT, '
                                  "'the checks refuse every write'); END"
                                  for verb in ("INSERT", "UPDATE")]
                for statement in statements:
                    await connection.execute(text(statement))
    finally:
        await engine.dispose()


def expect_problem(exchange: Exchange, status: int, because: str) -> None:
    expect(exchange.status == status, expected=f"status {status} ({because})",
           got=exchange.describe())
    expect(exchange.headers.get("content-type", "").startswith("application/problem+json"),
           expected=f"the {status} as a problem (Content-Type: application/problem+json), "
           "like every other error of this service", got=exchange.describe())
    problem = exchange.json()
    expect(isinstance(problem, dict) and problem.get("status") == status,
           expected=f'a problem body with "status": {status}', got=exchange.describe())


# ---- 37.1 streamed export ------------------------------------------------------------------


@check("37.1", baseline=True)
async def the_export_lists_every_task(ctx: Check) -> None:
    """The CSV export has a header and one row per task, in id order; 404 for no project."""
    configure(ctx)
    async with ctx.client() as client:
        project_id = await new_project(client)
        for number in (1, 2, 3):
            created = await client.post(f"/projects/{project_id}/tasks",
                                        json={"title": title(number)})
            expect_status(created, 201, because="a valid task is created")
        export = await client.get(f"/projects/{project_id}/tasks/export")
        missing = await client.get("/projects/999999/tasks/export")
    expect_status(export, 200, because="the project exists")
    rows = list(csv.reader(export.text.splitlines()))
    expect(rows[:1] == [["id", "title", "is_done"]] and [row[1] for row in rows[1:]]
           == [title(1), title(2), title(3)],
           expected="a header id,title,is_done and the three tasks in id order, quoted as CSV",
           got=export, response=export)
    expect_status(missing, 404, because="no such project")


@check("37.1")
async def an_export_of_100k_rows_stays_under_a_memory_bound(ctx: Check) -> None:
    """Exporting 100,000 rows allocates under 4 MB at its peak (tracemalloc): it streams."""
    configure(ctx)
    async with ctx.client() as client:
        project_id = await new_project(client)
        await insert_tasks(ctx, project_id, EXPORT_ROWS)
        parsed = CsvLines()
        with peak_memory() as peak:
            exchange = await drive(ctx, "GET", f"/projects/{project_id}/tasks/export",
                                   on_body=parsed.feed)
        parsed.finish()
    expect(exchange.status == 200, expected="status 200 (the project exists)",
           got=exchange.describe())
    expect(parsed.rows == EXPORT_ROWS,
           expected=f"{EXPORT_ROWS} rows after the header", got=f"{parsed.rows} rows")
    expect(parsed.samples.get(EXPORT_ROWS, [""])[1:2] == [title(EXPORT_ROWS)],
           expected=f"the last row to be task {EXPORT_ROWS} ({title(EXPORT_ROWS)!r})",
           got=parsed.samples.get(EXPORT_ROWS))
    expect(peak[0] < EXPORT_MEMORY_BOUND,
           expected=f"a peak under {EXPORT_MEMORY_BOUND // 2**20} MB while {EXPORT_ROWS} rows "
           f"({exchange.received // 2**20} MB of CSV) are exported ({ctx.backend}): fetch and "
           "send one batch at a time (session.stream + yield_per, StreamingResponse)",
           got=f"a peak above {EXPORT_MEMORY_BOUND // 2**20} MB ({peak_size(peak[0])})")


@check("37.1")
async def a_client_gone_mid_export_returns_the_connection(ctx: Check) -> None:
    """A client that disconnects after 64 KB of the export leaves no connection checked out."""
    configure(ctx)
    async with ctx.client() as client:
        project_id = await new_project(client)
        await insert_tasks(ctx, project_id, EXPORT_ROWS // 2)
        chunks: list[int] = []
        with checked_out_connections() as checked_out:
            exchange = await drive(ctx, "GET", f"/projects/{project_id}/tasks/export",
                                   on_body=lambda chunk: chunks.append(len(chunk)),
                                   disconnect_after=CHUNK)
            for _ in range(20):  # let cancelled work finish
                await asyncio.sleep(0.01)
            still_out = checked_out[0]
        after = await client.get(f"/projects/{project_id}/tasks/export")
    expect(exchange.status == 200, expected="status 200 (the project exists)",
           got=exchange.describe())
    if len([size for size in chunks if size]) < 2:
        raise Blocked("37.1", "the export arrives in one piece: it is not streamed yet")
    expect(still_out <= 0,
           expected="every connection back in the pool once the client has gone: read the "
           "database inside the response's generator, in a session opened with `async with`, "
           "so that cancelling the stream ends the reading and closes the session",
           got=f"{still_out} connection(s) still checked out")
    expect_status(after, 200, because="the service keeps serving exports after a disconnect")


async def spaces(read: list[int], cap: int) -> AsyncIterator[bytes]:
    """Up to `cap` bytes of spaces, counting in `read` how many the app asked for."""
    while read[0] < cap:
        read[0] += CHUNK
        yield b" " * CHUNK


# ---- 37.2 body size limit ------------------------------------------------------------------

OVERSIZED = UPLOAD_LIMIT + 4 * CHUNK


@check("37.3", baseline=True)
async def an_upload_is_stored_and_listed(ctx: Check) -> None:
    """A small upload answers 201 with its size and SHA-256, and is listed afterwards."""
    import hashlib

    configure(ctx)
    content = "Protokoll: Überprüfung der Rakete\n".encode() * 100
    async with ctx.client() as client:
        project_id = await new_project(client)
        created = await upload(client, project_id, content)
        listed = await attachments(client, project_id)
        missing = await upload(client, 999999, content)
    expect_status(created, 201, because="a small upload is stored")
    body = json_body(created)
    expect(body.get("size") == len(content)
           and body.get("sha256") == hashlib.sha256(content).hexdigest(),
           expected=f"size {len(content)} and the SHA-256 of the bytes sent", got=created,
           response=created)
    expect([item.get("filename") for item in listed] == ["notes.txt"],
           expected="the upload in the project's attachments", got=listed, response=created)
    expect_status(missing, 404, because="no such project")


@check("37.2")
async def an_oversized_upload_gets_a_413_problem(ctx: Check) -> None:
    """An upload over APP_MAX_UPLOAD_BYTES gets 413 (a problem) and stores nothing; under, 201."""
    configure(ctx)
    async with ctx.client() as client:
        project_id = await new_project(client)
        path = f"/projects/{project_id}/attachments?filename=big.bin"
        under = await drive(ctx, "POST", path, body=zeros(UPLOAD_SIZE), keep_body=True,
                            headers={"content-length": str(UPLOAD_SIZE),
                                     "content-type": "application/octet-stream"})
        stored = await attachments(client, project_id)
        declared = await drive(ctx, "POST", path, body=zeros(OVERSIZED), keep_body=True,
                               headers={"content-length": str(OVERSIZED),
                                        "content-type": "application/octet-stream"})
        chunked = await drive(ctx, "POST", path, body=zeros(OVERSIZED), keep_body=True,
                              headers={"content-type": "application/octet-stream"})
        listed = await attachments(client, project_id)
    expect(under.status == 201,
           expected=f"status 201 for an upload of {UPLOAD_SIZE} bytes, under the "
           f"{UPLOAD_LIMIT}-byte limit of uploads (APP_MAX_UPLOAD_BYTES): the attachments "
           "router has a larger limit of its own (include_router(..., max_body_size=...)) "
           "than the app's JSON routes", got=under.describe())
    # Starlette answers a declared oversize itself, in plain text, before any handler runs.
    expect(declared.status == 413,
           expected=f"status 413: Content-Length {OVERSIZED} is over the {UPLOAD_LIMIT}-byte "
           "limit (APP_MAX_UPLOAD_BYTES)", got=declared.describe())
    expect(declared.sent <= CHUNK,
           expected="a declared oversized body refused before it is read",
           got=f"the app read {declared.sent} bytes of it first")
    expect_problem(chunked, 413, because=f"the body passed the {UPLOAD_LIMIT}-byte limit "
                   "(no Content-Length: counted as it arrives)")
    expect(chunked.sent <= UPLOAD_LIMIT + 2 * CHUNK,
           expected=f"reading to stop at the limit ({UPLOAD_LIMIT} bytes)",
           got=f"the app read {chunked.sent} bytes")
    expect(listed == stored, expected="no attachment stored for a refused upload",
           got=listed)


@check("37.2", portable=True)
async def request_bodies_have_a_size_limit(ctx: Check) -> None:
    """Every route that takes a body refuses one declared as 1 GiB with 413, unread."""
    declared = 1 << 30
    cap = 16 * 1024 * 1024
    async with ctx.client() as client:
        openapi = json_body(await client.get("/openapi.json"))
        routes = [
            (method.upper(), path, next(iter(operation["requestBody"].get("content", {})),
                                        "application/json"))
            for path, item in openapi.get("paths", {}).items()
            for method, operation in item.items()
            if isinstance(operation, dict) and "requestBody" in operation
        ]
        for method, path, media_type in routes:
            url = "/".join("1" if part.startswith("{") else part for part in path.split("/"))
            read = [0]
            response = await client.request(
                method, url, content=spaces(read, cap),
                headers={"Content-Length": str(declared), "Content-Type": media_type},
                extensions=MUST_BE_REFUSED)
            expect(response.status_code == 413,
                   expected=f"413 for a {declared >> 20} MiB body to {method} {path}: without "
                   "a body size limit (FastAPI's max_body_size), any client can make the "
                   "service read and buffer as much as it sends",
                   got=f"{response.status_code} after reading {min(read[0], cap) >> 20} MiB",
                   response=response)


@check("37.2")
async def a_json_body_over_its_limit_gets_a_413_problem(ctx: Check) -> None:
    """A JSON body over APP_MAX_JSON_BODY_BYTES gets a 413 problem, read no further than it."""
    configure(ctx)
    ctx.setenv("APP_MAX_JSON_BODY_BYTES", str(JSON_LIMIT))
    size = 4 * JSON_LIMIT
    padding = b" " * (size - 32)

    def chunked_json() -> Iterator[bytes]:
        yield b'{"name": "Apollo"'
        for start in range(0, len(padding), 1024):
            yield padding[start:start + 1024]
        yield b"}"

    async with ctx.client() as client:
        small = await client.post("/projects", json={"name": "Apollo"})
        large = await drive(ctx, "POST", "/projects", body=chunked_json(), keep_body=True,
                            headers={"content-type": "application/json"})
    expect_status(small, 201, because="a small JSON body is under every limit")
    expect_problem(large, 413, because=f"a JSON body of {size} bytes is over "
                   f"APP_MAX_JSON_BODY_BYTES={JSON_LIMIT}: the app's own max_body_size is the "
                   "JSON limit, and only the attachments router gets the larger upload limit")
    expect(large.sent <= JSON_LIMIT + 2 * 1024,
           expected=f"reading to stop at the JSON limit ({JSON_LIMIT} bytes)",
           got=f"the app read {large.sent} bytes")


# ---- 37.3 uploads in chunks, no leftovers --------------------------------------------------


@check("37.3")
async def an_upload_is_read_in_chunks(ctx: Check) -> None:
    """A 1.5 MB upload allocates under 768 KB at its peak (tracemalloc): it is never whole."""
    import hashlib

    configure(ctx)
    async with ctx.client() as client:
        project_id = await new_project(client)
        with peak_memory() as peak:
            exchange = await drive(
                ctx, "POST", f"/projects/{project_id}/attachments?filename=big.bin",
                body=zeros(UPLOAD_SIZE), keep_body=True,
                headers={"content-type": "application/octet-stream"})
    block_if_refused(exchange, UPLOAD_SIZE)
    expect(exchange.status == 201, expected="status 201 (the upload is under the limit)",
           got=exchange.describe())
    stored = exchange.json()
    expect(stored.get("size") == UPLOAD_SIZE
           and stored.get("sha256") == hashlib.sha256(b"\0" * UPLOAD_SIZE).hexdigest(),
           expected=f"size {UPLOAD_SIZE} and the SHA-256 of the bytes sent",
           got=exchange.describe())
    expect(peak[0] < UPLOAD_MEMORY_BOUND,
           expected=f"a peak under {UPLOAD_MEMORY_BOUND // 1024} KB for a {UPLOAD_SIZE // 1024} "
           "KB upload: read request.stream() chunk by chunk and write each chunk as it comes "
           "(await request.body() or UploadFile.read() holds it all)",
           got=f"a peak above {UPLOAD_MEMORY_BOUND // 1024} KB ({peak_size(peak[0])})")


@check("37.3")
async def an_upload_in_progress_is_not_under_its_final_name(ctx: Check) -> None:
    """Half-way through an upload, its bytes are in a temporary file, not a visible one."""
    uploads = configure(ctx)
    seen: dict[str, list[str]] = {}

    def watched(total: int) -> Iterator[bytes]:
        for number, chunk in enumerate(zeros(total)):
            if number == total // CHUNK // 2:  # the app has written the chunks before this
                files = [path for path in uploads.rglob("*") if path.is_file()]
                seen["visible"] = sorted(HEX.sub("…", path.name) for path in files
                                         if not path.name.startswith("."))
                seen["temporary"] = sorted(HEX.sub("…", path.name) for path in files
                                           if path.name.startswith(".")) + sorted(
                    HEX.sub("…", path.name)
                    for path in (ctx.tmp_path / "tmp").rglob("*") if path.is_file())
            yield chunk

    async with ctx.client() as client:
        project_id = await new_project(client)
        path = f"/projects/{project_id}/attachments?filename=half.bin"
        done = await drive(ctx, "POST", path, body=watched(UPLOAD_SIZE), keep_body=True,
                           headers={"content-type": "application/octet-stream"})
    block_if_refused(done, UPLOAD_SIZE)
    expect(done.status == 201, expected="status 201 for an upload under the limit",
           got=done.describe())
    expect(bool(seen.get("temporary")) and not seen.get("visible"),
           expected="half-way through the upload, a temporary (hidden `.part`) file holding "
           "the bytes so far, and no file under a final name: a reader must never find a "
           "half-written attachment",
           got=f"visible: {seen.get('visible')}, temporary: {seen.get('temporary')}")


@check("37.3", baseline=True)
async def a_cancelled_upload_leaves_no_file(ctx: Check) -> None:
    """An upload cancelled half-way (a server timeout, a shutdown) leaves no file behind."""
    uploads = configure(ctx)
    async with ctx.client() as client:
        project_id = await new_project(client)
        path = f"/projects/{project_id}/attachments?filename=cancelled.bin"
        octets = {"content-type": "application/octet-stream"}
        stored = await drive(ctx, "POST", path, body=zeros(CHUNK * 3), keep_body=True,
                             headers=octets)
        before = leftovers(ctx, uploads)
        stalled = asyncio.Event()
        # Cancelled as anyio cancels (a task group, Starlette's middleware, a timeout scope):
        # every await inside the scope is cancelled again, the cleanup's own await too,
        # unless the cleanup is shielded or needs no await.
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as group:
                group.start_soon(functools.partial(
                    drive, ctx, "POST", path, body=zeros(UPLOAD_SIZE), headers=octets,
                    stall_after=UPLOAD_SIZE // 2, stalled=stalled))
                await stalled.wait()
                scope.cancel()
        after = leftovers(ctx, uploads)
    block_if_refused(stored, CHUNK * 3)
    expect(stored.status == 201, expected="status 201 for a small upload", got=stored.describe())
    expect(bool(before) and after == before,
           expected="the same files after a cancelled upload as before it: cancellation is a "
           "BaseException (asyncio.CancelledError), so clean up in `except BaseException:` "
           "(and re-raise), not `except Exception:`, and shield an awaited clean-up "
           "(`with anyio.CancelScope(shield=True):`), which a cancelled scope cancels too",
           got=f"before: {before}, after: {after}")


@check("37.3")
async def no_temporary_file_remains(ctx: Check) -> None:
    """After a stored, a refused (413) and an abandoned upload, only the stored file is left."""
    uploads = configure(ctx)
    async with ctx.client() as client:
        project_id = await new_project(client)
        path = f"/projects/{project_id}/attachments?filename=part.bin"
        octets = {"content-type": "application/octet-stream"}
        stored = await drive(ctx, "POST", path, body=zeros(CHUNK * 3), keep_body=True,
                             headers=octets)
        after_success = leftovers(ctx, uploads)
        refused = await drive(ctx, "POST", path, body=zeros(OVERSIZED), keep_body=True,
                              headers=octets)
        after_refusal = leftovers(ctx, uploads)
        abandoned = await drive(ctx, "POST", path, body=zeros(UPLOAD_SIZE), keep_body=True,
                                headers=octets, disconnect_after=UPLOAD_SIZE // 2)
        for _ in range(10):  # let the cancelled upload clean up
            await asyncio.sleep(0.01)
        after_disconnect = leftovers(ctx, uploads)
        listed = await attachments(client, project_id)
    block_if_refused(stored, CHUNK * 3)
    expect(stored.status == 201, expected="status 201 for a small upload",
           got=stored.describe())
    expect(len(after_success) == 1,
           expected="exactly one file after one stored upload (no temporary copy beside it)",
           got=after_success)
    if refused.status != 413:
        raise Blocked("37.2", f"an oversized upload was answered {refused.status}, not 413")
    expect(after_refusal == after_success,
           expected="no file left by the upload refused with 413: delete the partial file "
           "when the stream fails", got=after_refusal)
    expect(after_disconnect == after_success,
           expected="no file left by the upload whose client disconnected half-way: delete "
           "the partial file however the stream ends", got=after_disconnect)
    expect(len(listed) == 1, expected="one attachment listed: the stored one",
           got=listed)
    del abandoned


@check("37.3")
async def a_failed_commit_leaves_no_file(ctx: Check) -> None:
    """An upload whose row the database refuses to commit leaves no file behind."""
    uploads = configure(ctx)
    octets = {"content-type": "application/octet-stream"}
    async with ctx.client() as client:
        project_id = await new_project(client)
        path = f"/projects/{project_id}/attachments?filename=refused.bin"
        stored = await drive(ctx, "POST", path, body=zeros(CHUNK * 3), keep_body=True,
                             headers=octets)
        before = leftovers(ctx, uploads)
        await refuse_writes(ctx)
        failed = await drive(ctx, "POST", path, body=zeros(CHUNK * 3), keep_body=True,
                             headers=octets, errors_answered=True)
        after = leftovers(ctx, uploads)
    block_if_refused(stored, CHUNK * 3)
    expect(stored.status == 201, expected="status 201 for a small upload", got=stored.describe())
    expect(failed.status >= 400,
           expected="an error answer: the database refuses the attachment's row (the check "
           "put a trigger on every table that makes each INSERT and UPDATE fail)",
           got=failed.describe())
    expect(after == before,
           expected="the same files after an upload whose commit failed as before it: the "
           "bytes were stored, but no row names them; delete the file when the commit fails "
           "(`except BaseException:` around the commit, then re-raise)",
           got=f"before: {before}, after: {after}")
