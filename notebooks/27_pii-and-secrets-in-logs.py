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
# # Lesson 27 · No secrets or personal data in logs; erase on request
#
# One user signs up, logs in, mistypes the password once and asks for a data export that
# fails. Every log record of the starter and of the solution is captured, from every logger
# at DEBUG, and searched for the password, the token, the API key and the e-mail address.
# Then the user deletes the account, and every table is searched for what is left.

# %%
import logging
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.notebook_app import open_app

ADA = {"email": "ada.lovelace@example.org", "full_name": "Ada Lovelace",
       "password": "Correct-Horse-7-Battery"}
API_KEY = "mk_live_5f2a9c1e7b3d4a6f"
os.environ.update(APP_PASSWORD_HASH_TIME_COST="1", APP_PASSWORD_HASH_MEMORY_KIB="1024",
                  APP_MAILER_API_KEY=API_KEY)


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def text(record):
    formatted = logging.Formatter().format(record)
    return formatted + " " + " ".join(f"{key}={value}" for key, value in vars(record).items())


async def every_row(database_url):
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        def read(sync):
            metadata = MetaData()
            metadata.reflect(sync)
            return [(t.name, tuple(r)) for t in metadata.sorted_tables
                    for r in sync.execute(select(t)).all()]
        rows = await connection.run_sync(read)
    await engine.dispose()
    return rows


async def one_visit(which):
    collect = Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    root.setLevel(logging.DEBUG)
    path = Path(tempfile.mkdtemp()) / "app.db"
    url = f"sqlite+aiosqlite:///{path}"
    try:
        async with open_app("27", which, env={"APP_DATABASE_URL": url}) as client:
            await client.post("/users", json=ADA)
            credentials = {"email": ADA["email"], "password": ADA["password"]}
            await client.post("/auth/login", json={**credentials, "password": "Tr0ub4dor&3"})
            login = await client.post("/auth/login", json=credentials)
            token = login.json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            await client.post("/users/me/export", headers=auth)
            await client.delete("/users/me", headers=auth)
            rows = await every_row(url)
    finally:
        root.removeHandler(collect)
        root.setLevel(logging.WARNING)
        shutil.rmtree(path.parent)
    secrets = {"password": ADA["password"], "tried password": "Tr0ub4dor&3",
               "token": token, "API key": API_KEY, "e-mail": ADA["email"]}
    in_logs = {
        what: sum(value in text(record) for record in collect.records)
        for what, value in secrets.items()
    }
    personal = (ADA["email"], ADA["full_name"])
    left = sorted(
        {table for table, row in rows if any(v in str(cell) for cell in row for v in personal)}
    )
    return in_logs, left


for which in ("starter", "solution"):
    in_logs, left = await one_visit(which)
    print(which)
    for what, count in in_logs.items():
        print(f"  records holding the {what:<15} {count}")
    print(f"  tables still holding her e-mail or name after deletion: {left or 'none'}")
