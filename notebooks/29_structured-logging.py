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
# # Lesson 29 · Structured logs: one JSON line per request
#
# The same six requests (one of them crashes) sent to the starter and to the solution, with
# stdout and stderr captured from before the app is imported: whatever the app's handlers
# write lands here. How many lines did each write, how many are JSON, and can a machine find
# the request lines in them?

# %%
import contextlib
import io
import json
import logging
import sys
from collections import Counter

from workbook.notebook_app import open_app


def crash():
    raise RuntimeError("the task store is on fire")


@contextlib.contextmanager
def captured():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    root.handlers.clear()
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield out, err
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "app", "httpx"):
            logging.getLogger(name).disabled = False


def parsed(text):
    records, free_text = [], 0
    for line in filter(str.strip, text.splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            free_text += 1
            continue
        if isinstance(value, dict):
            records.append(value)
        else:
            free_text += 1
    return records, free_text


async def session(which):
    with captured() as (out, err):
        async with open_app("29", which) as client:
            await client.post("/tasks", json={"title": "Ship it"})
            await client.get("/tasks/1")
            await client.get("/tasks/1")
            await client.get("/tasks/999")
            await client.post("/tasks", json={"title": 42})
            app = sys.modules["app.main"].app
            app.dependency_overrides[sys.modules["app.tasks.dependencies"].get_task_store] = crash
            await client.get("/tasks")
    return out.getvalue(), err.getvalue()


outputs = {which: await session(which) for which in ("starter", "solution")}
print(f"{'':<34} {'starter':>8} {'solution':>9}")
rows = {}
for which, (out, err) in outputs.items():
    records, free_text = parsed(out + err)
    request_lines = [r for r in records if "method" in r and "status" in r]
    rows.setdefault("lines on stdout", {})[which] = len(list(filter(str.strip, out.splitlines())))
    rows.setdefault("lines on stderr", {})[which] = len(list(filter(str.strip, err.splitlines())))
    rows.setdefault("lines that are not JSON", {})[which] = free_text
    rows.setdefault("request lines (6 requests)", {})[which] = len(request_lines)
    rows.setdefault("records with the traceback", {})[which] = sum(
        "Traceback (most recent call last)" in json.dumps(r) for r in records
    )
for label, values in rows.items():
    print(f"{label:<34} {values['starter']:>8} {values['solution']:>9}")

# %% [markdown]
# With JSON lines, "which routes answered an error?" is a query over fields, not a regular
# expression over prose. The route is the template, so both reads of task 1 count as one
# route, and a 404 for task 999 lands on the same route too.

# %%
records, _ = parsed(outputs["solution"][0])
requests = [r for r in records if "method" in r and "status" in r]
by_route = Counter((r["method"], r["route"], r["status"]) for r in requests)
for (method, route, status), count in sorted(by_route.items()):
    print(f"{method:<5} {route:<18} {status}  x{count}")
print("every line has a request_id:", all(r.get("request_id") for r in requests))
is_number = all(isinstance(r["duration_ms"], float | int) for r in requests)
print("every duration is a number:", is_number)

# %% [markdown]
# The starter's crash, by contrast, reached the output as a dump of many lines of text; a log
# collector would have stored each of them as a record of its own.

# %%
lines = [line for line in outputs["starter"][1].splitlines() if line.strip()]
start = lines.index("Traceback (most recent call last):")
print("starter: the traceback starts a line of its own:", start >= 0)
print("starter: the crash took at least 10 lines of text:", len(lines) - start >= 10)
print("starter: the dump ends with:", next(ln for ln in lines if ln.startswith("RuntimeError")))
