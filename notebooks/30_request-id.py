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
# # Lesson 30 · Request ids: validated, echoed, carried everywhere
#
# First what a client sees: does the response carry `X-Request-ID`, and is a hostile value
# sent back as it came? (Ids the app makes up differ on every run, so they are shown as
# "fresh".)

# %%
import asyncio
import contextlib
import io
import json
import logging
import re

from workbook.notebook_app import open_app

WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")


@contextlib.contextmanager
def quiet():
    """Keep the apps' JSON log lines for reading; put logging back afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    root.handlers.clear()
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            yield out
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def verdict(sent, echoed):
    if echoed is None:
        return "(none)"
    if echoed == sent:
        return "as sent" if len(echoed) <= 40 else f"as sent ({len(echoed)} chars)"
    return "fresh" if WELL_FORMED.fullmatch(echoed) else "other"


CASES = {
    "no header": None,
    "a UUID": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "spaces": "req 30 with spaces",
    "an escape sequence": "\x1b[2Jred",
    "a forged log line": "req\nlevel=ERROR forged=true",
    "5000 characters": "x" * 5000,
}
rows = {}
for which in ("starter", "solution"):
    with quiet():
        async with open_app("30", which) as client:
            for label, value in CASES.items():
                headers = {} if value is None else {"X-Request-ID": value}
                response = await client.get("/tasks/999", headers=headers)
                echoed = response.headers.get("X-Request-ID")
                rows.setdefault(label, {})[which] = verdict(value, echoed)
print(f"{'X-Request-ID sent':<20} {'starter':>10} {'solution':>20}")
for label, answers in rows.items():
    print(f"{label:<20} {answers['starter']:>10} {answers['solution']:>20}")

# %% [markdown]
# Then fifty creates in flight at once, each with its own id, against a webhook on loopback
# that answers slowly, so that the requests interleave. Does each webhook call carry the id of
# the request that made it, and does each log line?

# %%
calls = []


async def handle(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in head.decode().split("\r\n")[1:])
        if name
    }
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    calls.append((json.loads(body)["task"]["title"], headers.get("x-request-id")))
    await asyncio.sleep(0.05)
    writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    await writer.drain()
    writer.close()


server = await asyncio.start_server(handle, "127.0.0.1", 0)
webhook = {"APP_WEBHOOK_URL": f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks"}
ids = [f"req-{number:02d}" for number in range(50)]
print(f"{'50 concurrent creates':<36} {'starter':>8} {'solution':>9}")
results = {}
for which in ("starter", "solution"):
    calls.clear()
    with quiet() as out:
        async with open_app("30", which, env=webhook) as client:
            responses = await asyncio.gather(*(
                client.post("/tasks", json={"title": rid}, headers={"X-Request-ID": rid})
                for rid in ids
            ))
    records = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    created = [r for r in records if r.get("message") == "task created"]
    results[which] = {
        "answers echoing their own id": sum(
            r.headers.get("X-Request-ID") == r.json()["title"] for r in responses
        ),
        "webhook calls with their own id": sum(title == rid for title, rid in calls),
        "'task created' records with an id": sum(bool(r.get("request_id")) for r in created),
    }
server.close()
for label in results["solution"]:
    print(f"{label:<36} {results['starter'][label]:>8} {results['solution'][label]:>9}")
