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
# # Lesson 17 · Bind every value
#
# The starter's search pastes the term into its SQL with an f-string; the solution sends it as
# a bound parameter. Four people and two API keys are seeded straight into an empty SQLite
# database for each app.

# %%
import contextlib
import hashlib
import logging
import tempfile
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.notebook_app import open_app

logging.disable(logging.CRITICAL)  # the starter's 500s would print tracebacks
NAMES = ["Ada Lovelace", "Grace Hopper", "Linus Torvalds", "Margaret Hamilton"]
KEYS = [hashlib.sha256(name.encode()).hexdigest() for name in NAMES[:2]]


@contextlib.asynccontextmanager
async def people(which):
    """The lesson's starter or solution, seeded; yields the client and a database URL."""
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'tracker.db'}"
        async with open_app("17", which, env={"APP_DATABASE_URL": url}) as client:
            engine = create_async_engine(url)
            async with engine.begin() as connection:
                await connection.execute(text('INSERT INTO "user" (name) VALUES (:name)'),
                                         [{"name": name} for name in NAMES])
                await connection.execute(
                    text("INSERT INTO api_key (user_id, token_hash) VALUES (:user, :hash)"),
                    [{"user": n + 1, "hash": key} for n, key in enumerate(KEYS)])
            await engine.dispose()
            yield client, url


def shown(response):
    if response.status_code != 200:
        return f"{response.status_code}"
    names = [row["name"] for row in response.json()]
    leaked = sum(name in KEYS for name in names)
    rows = f"{len(names)} row" + ("" if len(names) == 1 else "s")
    return rows + (f", {leaked} key hashes" if leaked else "")


# %% [markdown]
# ## Rule 17.1: classic payloads
#
# None of these strings is part of anyone's name, so the right answer is always "no rows".

# %%
PAYLOADS = ["ada", "O'Brien", "' OR '1'='1", "zzz' OR 1=1 --",
            "' UNION SELECT id, token_hash FROM api_key --", "'; DROP TABLE api_key; --",
            "%", "a_a"]
answers = {}
for which in ("starter", "solution"):
    async with people(which) as (client, url):
        for payload in PAYLOADS:
            response = await client.get("/users/search", params={"q": payload})
            answers[which, payload] = shown(response)
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        await engine.dispose()
        answers[which, "tables afterwards"] = " ".join(sorted(tables))
lines = [f"{'q':<46} {'starter':>22} {'solution':>14}"]
lines += [f"{p:<46} {answers['starter', p]:>22} {answers['solution', p]:>14}"
          for p in [*PAYLOADS, "tables afterwards"]]
print("\n".join(lines))

# %% [markdown]
# Both drivers refused the stacked `DROP TABLE` (a prepared statement holds one command), so
# the starter answered `500` instead of dropping the table. That is luck, not design: with
# `executescript` or a driver's simple-query protocol it would have run.
#
# ## What the database receives
#
# The statement and parameters each app sends for `q=O'Brien`, caught with a SQLAlchemy event.

# %%
sent, lines = [], []


def record(conn, cursor, statement, parameters, *_):
    sent.append((" ".join(statement.split()), parameters))


for which in ("starter", "solution"):
    async with people(which) as (client, _):
        event.listen(Engine, "before_cursor_execute", record)
        await client.get("/users/search", params={"q": "O'Brien"})
        event.remove(Engine, "before_cursor_execute", record)
    statement, parameters = sent[-1]
    lines += [f"{which}:", f"  {statement}", f"  parameters: {parameters}"]
print("\n".join(lines))
