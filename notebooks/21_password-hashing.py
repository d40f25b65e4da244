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
# # Lesson 21 · Hash passwords with a slow, salted, upgradable algorithm
#
# Two users sign up with the same password. What does the database hold afterwards? We read
# the `user_account` table straight from SQLite, with the starter and with the solution (at a
# lowered cost, as the checks configure it).

# %%
import os
import re
import sqlite3

from workbook.notebook_app import open_app

FAST = {"APP_ARGON2_TIME_COST": "2", "APP_ARGON2_MEMORY_COST": "4096",
        "APP_ARGON2_PARALLELISM": "1", "APP_BCRYPT_ROUNDS": "5"}


def stored_secrets() -> list[str]:
    """The second column of every user row: what a leaked backup would show."""
    path = os.environ["APP_DATABASE_URL"].split("///", 1)[1]
    with sqlite3.connect(path) as connection:
        return [row[2] for row in connection.execute("select * from user_account order by id")]


def shape(secret: str) -> str:
    match = re.match(r"^\$(argon2id)\$v=19\$(m=\d+,t=\d+,p=\d+)\$", secret)
    return f"{match[1]} hash, cost {match[2]}" if match else f"plain text: {secret!r}"


for which in ("starter", "solution"):
    async with open_app("21", which, env=FAST) as client:
        for name in ("ada", "grace"):
            await client.post("/users", json={"username": name, "password": "hunter2-hunter2"})
        secrets = stored_secrets()
    print(f"{which:>8}: {shape(secrets[0])}; both users' values equal: {secrets[0] == secrets[1]}")

# %% [markdown]
# A salted hash is useless to an attacker who hoped to look passwords up, and reveals nothing
# about who shares a password. It still lets the service check one:

# %%
async with open_app("21", "solution", env=FAST) as client:
    await client.post("/users", json={"username": "ada", "password": "hunter2-hunter2"})
    login = "/auth/login"
    right = await client.post(login, json={"username": "ada", "password": "hunter2-hunter2"})
    wrong = await client.post(login, json={"username": "ada", "password": "hunter3-hunter3"})
    nobody = await client.post(login, json={"username": "zed", "password": "hunter3-hunter3"})
print("right password:", right.status_code, right.json())
print("wrong password:", wrong.status_code, wrong.json())
print("unknown user:  ", nobody.status_code, nobody.json())

# %% [markdown]
# ## Raising the cost upgrades hashes at the next login
#
# The service is redeployed with a higher time cost. A hash stored before keeps its old cost
# until its owner logs in; then `verify_and_update` hands back a new one, and the service
# stores it. Both runs share one database file here.

# %%
import tempfile
from pathlib import Path

with tempfile.TemporaryDirectory() as folder:
    database = {"APP_DATABASE_URL": f"sqlite+aiosqlite:///{Path(folder) / 'users.db'}"}
    weaker = {**FAST, **database, "APP_ARGON2_TIME_COST": "1"}
    async with open_app("21", "solution", env=weaker) as client:
        await client.post("/users", json={"username": "ada", "password": "hunter2-hunter2"})
        print("after sign-up at t=1:      ", shape(stored_secrets()[0]))
    async with open_app("21", "solution", env={**FAST, **database}) as client:
        print("redeployed with t=2:       ", shape(stored_secrets()[0]))
        await client.post("/auth/login", json={"username": "ada", "password": "hunter2-hunter2"})
        print("after ada's next login:    ", shape(stored_secrets()[0]))

# %% [markdown]
# ## A refused password is not echoed
#
# FastAPI's default validation error repeats the refused value. For a password, that sends it
# back to the client, and into every log of the proxies in between.

# %%
for which in ("starter", "solution"):
    async with open_app("21", which, env=FAST) as client:
        refused = await client.post("/users", json={"username": "bob", "password": "s3cr3t!"})
    print(f"{which:>8}: {refused.status_code}, password in the body: {'s3cr3t!' in refused.text}")
