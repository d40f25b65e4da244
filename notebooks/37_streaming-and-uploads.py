# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 37 · Streaming exports and uploads: bounded memory, body limits, no leftovers
#
# ## Exporting 100,000 tasks
#
# The same project, exported by the starter (fetch everything, build the CSV, send it) and by
# the solution (a `StreamingResponse` fed batch by batch from `session.stream`). The response
# is read straight from the app's ASGI interface and thrown away as it arrives, so the only
# memory measured (`tracemalloc`, the peak during the request) is the app's. Peaks are printed
# as verdicts against a bound, so the output is the same on every run.

# %%
import asyncio
import os
import sys
import tempfile
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.harness import run_lifespan
from workbook.notebook_app import open_app

ROWS = 100_000


async def insert_tasks(project_id: int) -> None:
    engine = create_async_engine(os.environ["APP_DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.execute(text(
            "INSERT INTO task (project_id, title, is_done) "
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows) "
            "SELECT :project_id, 'Task ' || i || ', \"part\" ü', i % 2 FROM n"
        ), {"project_id": project_id, "rows": ROWS})
    await engine.dispose()


async def export(app: object, state: dict[str, object], path: str) -> tuple[int, int]:
    """GET path through the app's ASGI interface: (body chunks, body bytes)."""
    counts = [0, 0]
    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
             "http_version": "1.1", "method": "GET", "scheme": "http", "path": path,
             "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 1),
             "server": ("testserver", 80), "state": dict(state)}
    sent_request = False
    finished = asyncio.Event()

    async def receive() -> dict[str, object]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # the client stays until the whole body has arrived
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.body":
            counts[0] += 1
            counts[1] += len(message.get("body", b""))  # type: ignore[arg-type]
            if not message.get("more_body"):
                finished.set()

    await app(scope, receive, send)  # type: ignore[operator]
    return counts[0], counts[1]


peaks = {}
for which in ("starter", "solution"):
    with tempfile.TemporaryDirectory() as uploads:
        os.environ["APP_UPLOAD_DIR"] = uploads
        async with open_app("37", which) as client:
            project = (await client.post("/projects", json={"name": "Apollo"})).json()
            await insert_tasks(project["id"])
            app = sys.modules["app.main"].app
            async with run_lifespan(app) as state:  # the state a server hands each request
                tracemalloc.start()
                chunks, size = await export(app, state, f"/projects/{project['id']}/tasks/export")
                peaks[which] = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
    pieces = "one piece" if chunks <= 2 else "many chunks"
    print(f"{which:>8}: {size // 2**20} MB of CSV in {pieces}; "
          f"peak under 4 MB: {peaks[which] < 4 * 2**20}")
print("the starter's peak is at least 5x the solution's:", peaks["starter"] > 5 * peaks["solution"])

# %% [markdown]
# ## Uploads over the limit, and uploads that fail half-way
#
# With `APP_MAX_UPLOAD_BYTES` at 1 MB, each version receives a 2 MB upload with a
# `Content-Length` (refused unread, by Starlette, in plain text), the same 2 MB sent in chunks
# without one (counted as it arrives; the 413 goes through the app's problem handler), then a
# 512 KB upload. What comes back, and what is left in the upload folder?

# %%
for which in ("starter", "solution"):
    with tempfile.TemporaryDirectory() as uploads:
        os.environ["APP_UPLOAD_DIR"] = uploads
        os.environ["APP_MAX_UPLOAD_BYTES"] = str(2**20)
        async with open_app("37", which) as client:
            project = (await client.post("/projects", json={"name": "Apollo"})).json()
            url = f"/projects/{project['id']}/attachments?filename=big.bin"
            big = await client.post(url, content=b"x" * 2 * 2**20)

            async def chunks() -> AsyncIterator[bytes]:
                for _ in range(32):
                    yield b"x" * 2**16

            chunked = await client.post(url, content=chunks())
            small = await client.post(url, content=b"x" * 2**19)
        files = len([path for path in Path(uploads).rglob("*") if path.is_file()])
        del os.environ["APP_MAX_UPLOAD_BYTES"]
    def kind(response: object) -> str:
        return f"{response.status_code} {response.headers['content-type'].split(';')[0]}"

    print(f"{which:>8}: 2 MB -> {kind(big)}; 2 MB in chunks -> {kind(chunked)}; "
          f"512 KB -> {small.status_code}; files left: {files}")
