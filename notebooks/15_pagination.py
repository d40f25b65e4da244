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
# # Lesson 15 · Bounded pages and keyset cursors
#
# The same requests sent to the starter and to the solution, each served in-process on an
# empty SQLite database of its own. Tasks are seeded straight into the `task` table.

# %%
import base64
import contextlib
import logging
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import Date, String, column, event, insert, table
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.notebook_app import open_app

logging.disable(logging.CRITICAL)  # the starter's 500s would print tracebacks
DATES = (date(2030, 5, 1), date(2030, 5, 2), date(2030, 5, 3))
TASK = table("task", column("title", String), column("due_on", Date))


@contextlib.asynccontextmanager
async def tracker(which, tasks=0):
    """The lesson's starter or solution with `tasks` seeded rows; yields (client, db file)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "tracker.db"
        url = f"sqlite+aiosqlite:///{path}"
        async with open_app("15", which, env={"APP_DATABASE_URL": url}) as client:
            engine = create_async_engine(url)
            async with engine.begin() as connection:
                rows = [{"title": f"task {n}", "due_on": DATES[n % 3]} for n in range(tasks)]
                if rows:
                    await connection.execute(insert(TASK), rows)
            await engine.dispose()
            yield client, path


# %% [markdown]
# ## Rule 15.1: every list is bounded
#
# 500 tasks in the table. How many rows does each request return?

# %%
answers = {}
for which in ("starter", "solution"):
    async with tracker(which, tasks=500) as (client, _):
        for query in ("/tasks", "/tasks?limit=100", "/tasks?limit=10000", "/tasks/feed"):
            response = await client.get(query)
            body = response.json()
            rows = len(body["items"] if isinstance(body, dict) and "items" in body else body)
            answers[which, query] = f"{rows} rows" if response.status_code == 200 else str(
                response.status_code)
lines = [f"{'request':<28} {'starter':>10} {'solution':>10}"]
for query in ("/tasks", "/tasks?limit=100", "/tasks?limit=10000", "/tasks/feed"):
    lines.append(f"{query:<28} {answers['starter', query]:>10} {answers['solution', query]:>10}")
print("\n".join(lines))

# %% [markdown]
# ## Rule 15.2: walking the feed while another client inserts
#
# 30 tasks over three due dates, pages of 7. After each page another client adds a task due
# before every other one. The offset "cursor" of the starter shifts by one each time.

# %%
lines = []
for which in ("starter", "solution"):
    async with tracker(which, tasks=30) as (client, _):
        seen, cursor, pages = [], None, 0
        while True:
            pages += 1
            params = {"limit": 7} | ({"cursor": cursor} if cursor else {})
            page = (await client.get("/tasks/feed", params=params)).json()
            seen += [task["id"] for task in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
            await client.post("/tasks", json={"title": "urgent", "due_on": "2030-01-01"})
    repeated = sorted({task for task in seen if seen.count(task) > 1})
    missing = sorted(set(range(1, 31)) - set(seen))
    lines.append(f"{which:>8}: pages walked {pages}, seen twice {repeated}, never seen {missing}")
print("\n".join(lines))

# %% [markdown]
# ## Rule 15.2: what the database is asked for page 60
#
# The statement each app sends for a deep page, and SQLite's plan for it. `OFFSET` walks the
# index from the start and throws away every skipped row; the keyset condition starts the
# search at the last row seen. (SQLAlchemy's SQLite dialect always writes an `OFFSET`; the
# solution's is 0.)

# %%
def plan(path, statement, parameters):
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    return [row[-1] for row in rows]


statements, lines = [], []


def record(conn, cursor, statement, parameters, *_):
    statements.append((statement, parameters))


for which in ("starter", "solution"):
    statements.clear()
    async with tracker(which, tasks=500) as (client, path):
        cursor = None
        for _ in range(60):
            params = {"limit": 7} | ({"cursor": cursor} if cursor else {})
            event.listen(Engine, "before_cursor_execute", record)
            page = (await client.get("/tasks/feed", params=params)).json()
            event.remove(Engine, "before_cursor_execute", record)
            cursor = page["next_cursor"]
        statement, parameters = statements[-1]
        steps = plan(path, statement, parameters)
    lines.append(f"{which}:\n  {' '.join(statement[statement.index('FROM'):].split())}")
    lines.append(f"  parameters {parameters}")
    lines += [f"  plan: {step}" for step in steps]
print("\n".join(lines))


# %% [markdown]
# ## Rule 15.3: cursors nobody issued
#
# The solution answers each with a `400` problem; the starter fails with a `500`.

# %%
TAMPERED = {
    "not base64": "%%% nope %%%",
    "base64 of garbage": base64.urlsafe_b64encode(b"\x00\xff garbage").decode(),
    "base64 of a JSON list": base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
    "wrong types inside": base64.urlsafe_b64encode(b'{"due_on": "soon", "id": "x"}').decode(),
}
lines = []
for which in ("starter", "solution"):
    async with tracker(which, tasks=3) as (client, _):
        for what, cursor in TAMPERED.items():
            response = await client.get("/tasks/feed", params={"cursor": cursor})
            media_type = response.headers["content-type"].split(";")[0]
            lines.append(f"{which:>8}  {what:<22} {response.status_code} {media_type}")
print("\n".join(lines))
