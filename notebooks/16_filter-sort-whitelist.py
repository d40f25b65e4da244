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
# # Lesson 16 · Filter and sort through a whitelist
#
# The same queries sent to the starter (`getattr(User, <query parameter>)`) and to the
# solution (typed parameters, a sort map written in code). Six users are seeded straight into
# the `user` table of an empty SQLite database.

# %%
import contextlib
import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Boolean, DateTime, String, column, insert, table
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.notebook_app import open_app

logging.disable(logging.CRITICAL)  # the starter's 500s would print tracebacks
USER = table("user", column("name", String), column("email", String), column("role", String),
             column("is_active", Boolean), column("created_at", DateTime(timezone=True)),
             column("password_hash", String))
USERS = [
    ("Ada", "lovelace@example.com", "admin", True, 2, "$scrypt$c1d9"),
    ("Barbara", "liskov@example.com", "member", False, 5, "$scrypt$f00d"),
    ("Grace", "hopper@example.com", "admin", False, 1, "$scrypt$0a7e"),
    ("Ken", "thompson@example.com", "guest", False, 3, "$scrypt$9b1f"),
    ("Linus", "torvalds@example.com", "member", True, 6, "$scrypt$5ee5"),
    ("Margaret", "hamilton@example.com", "member", True, 4, "$scrypt$7c0d"),
]


@contextlib.asynccontextmanager
async def directory(which):
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'tracker.db'}"
        async with open_app("16", which, env={"APP_DATABASE_URL": url}) as client:
            engine = create_async_engine(url)
            async with engine.begin() as connection:
                await connection.execute(insert(USER), [
                    {"name": name, "email": email, "role": role, "is_active": active,
                     "created_at": datetime(2024, 1, day, tzinfo=UTC), "password_hash": secret}
                    for name, email, role, active, day, secret in USERS
                ])
            await engine.dispose()
            yield client


async def show(*queries):
    """One printout per cell: the status and names each app answers to each query."""
    lines = []
    for query in queries:
        lines.append(query)
        lines += [await answer(which, query) for which in ("starter", "solution")]
    print("\n".join(lines))


async def answer(which, query):
    async with directory(which) as client:
        response = await client.get(f"/users{query}")
    if response.status_code == 200:
        shown = [user["name"] for user in response.json()]
    elif response.status_code == 422:
        shown = "refused: " + ", ".join(str(e["loc"][-1]) for e in response.json()["detail"])
    else:
        shown = response.text
    return f"  {which:>8}: {response.status_code} {shown}"


# %% [markdown]
# ## Rule 16.1: what may a client sort by?
#
# The starter sorts by whatever it is given: by the password hash (an order that tells an
# attacker where a known hash falls), and, for a name that is no column, it fails with a 500.

# %%
await show("?sort=name&order=desc", "?sort=password_hash", "?sort=shoe_size",
           "?sort=name&order=sideways")

# %% [markdown]
# What `/openapi.json` tells a client about `sort`:

# %%
def allowed(document, schema):
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema.get("enum", "any string")


lines = []
for which in ("starter", "solution"):
    async with directory(which) as client:
        document = (await client.get("/openapi.json")).json()
    parameters = document["paths"]["/users"]["get"]["parameters"]
    sort = next(p for p in parameters if p["name"] == "sort")
    lines.append(f"{which:>8}: sort takes {allowed(document, sort['schema'])}")
print("\n".join(lines))

# %% [markdown]
# ## Rule 16.2: filters are typed and combine with AND
#
# In the starter, `is_active=true` reaches the database as the text `'true'`, which SQLite
# compares with the stored `1` and finds unequal (PostgreSQL refuses the comparison: a 500).
# A filter on the hash answers "is this Ada's hash?" with a yes or a no.

# %%
await show("?role=member&is_active=true", "?role=overlord", "?password_hash=$scrypt$c1d9")
