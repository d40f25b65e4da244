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
# # Lesson 32 · Health checks: liveness and readiness that tell the truth
#
# What an orchestrator sees from each probe, without credentials, while the SQLite database
# is up, unreadable (its header overwritten in place, then restored) and hung (another
# connection holds an exclusive lock). A probe that gives no answer within 2 seconds is shown
# as "no answer", as an orchestrator would see it.

# %%
import asyncio
import os
import sqlite3
from pathlib import Path

from workbook.notebook_app import open_app

ENV = {"APP_API_KEY": "notebook-key", "APP_READINESS_TIMEOUT_SECONDS": "0.5"}
PROBES = {"starter": ["/health"], "solution": ["/healthz", "/readyz"]}


async def probe(client, path):
    request = asyncio.ensure_future(client.get(path))
    done, _ = await asyncio.wait({request}, timeout=2.0)
    if not done:
        request.cancel()
        return "no answer"
    return str(request.result().status_code)


rows = []
for which in ("starter", "solution"):
    async with open_app("32", which, env=ENV) as client:
        database = Path(os.environ["APP_DATABASE_URL"].split("///", 1)[1])
        for path in PROBES[which]:
            up = await probe(client, path)
            header = database.read_bytes()[:100]
            with database.open("r+b") as file:
                file.write(b"\0" * 100)
            down = await probe(client, path)
            with database.open("r+b") as file:
                file.write(header)
            lock = sqlite3.connect(database, timeout=0, isolation_level=None)
            lock.execute("BEGIN EXCLUSIVE")
            hung = await probe(client, path)
            lock.execute("ROLLBACK")
            lock.close()
            await asyncio.sleep(0.2)
            back = await probe(client, path)
            rows.append((which, path, up, down, hung, back))

print(f"{'app':<9} {'probe':<9} {'up':>4} {'down':>5} {'hung':>10} {'back':>5}")
for which, path, up, down, hung, back in rows:
    print(f"{which:<9} {path:<9} {up:>4} {down:>5} {hung:>10} {back:>5}")

# %% [markdown]
# The starter's only probe answers 401 to an orchestrator, whatever the database does. The
# solution's liveness stays 200 throughout; its readiness follows the database and answers
# 503 within its half-second budget while the database hangs.
#
# Then a monitor that probes often, from one address, next to a client that has used up its
# rate limit:

# %%
for which in ("starter", "solution"):
    async with open_app("32", which, env={**ENV, "APP_RATE_LIMIT_PER_MINUTE": "20"}) as client:
        for _ in range(25):
            await client.get("/tasks", headers={"X-API-Key": "notebook-key"})
        statuses = [(await client.get(PROBES[which][-1])).status_code for _ in range(50)]
    print(f"{which:<9} 50 probes of {PROBES[which][-1]}: {sorted(set(statuses))}")
