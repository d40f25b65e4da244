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
# # Lesson 12 · Constraints in the schema, named by a convention
#
# Start the starter and the solution, then ask the database (not the code) what it holds:
# SQLAlchemy's inspector reflects every key and index with the name the database knows it by.

# %%
import os

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.notebook_app import open_app


def describe(connection):
    inspector = inspect(connection)
    lines = []
    for table in inspector.get_table_names():
        pk = inspector.get_pk_constraint(table)
        lines.append(f"{table}: primary key {pk['name']}")
        lines += [f"  unique {uq['column_names']}: {uq['name']}"
                  for uq in inspector.get_unique_constraints(table)]
        lines += [f"  foreign key {fk['constrained_columns']}: {fk['name']}"
                  for fk in inspector.get_foreign_keys(table)]
        lines += [f"  index {ix['column_names']}: {ix['name']}"
                  for ix in inspector.get_indexes(table)]
    return "\n".join(lines)


for which in ("starter", "solution"):
    async with open_app("12", which) as client:
        engine = create_async_engine(os.environ["APP_DATABASE_URL"])
        async with engine.connect() as connection:
            print(f"--- {which}\n" + await connection.run_sync(describe))
        await engine.dispose()

# %% [markdown]
# The starter's keys have no names (`None`: SQLite keeps none; PostgreSQL would invent
# `projects_pkey`), its task table has no foreign key, no unique key and no index. The
# solution's names all come from the convention on `Base.metadata`.
#
# What a duplicate does, and what a race between ten identical requests stores:

# %%
import asyncio
from collections import Counter

for which in ("starter", "solution"):
    async with open_app("12", which) as client:
        await client.post("/projects", json={"name": "Apollo"})
        again = await client.post("/projects", json={"name": "Apollo"})
        project = await client.post("/projects", json={"name": "Gemini"})
        url = f"/projects/{project.json()['id']}/tasks"
        race = await asyncio.gather(*(client.post(url, json={"title": "spec"}) for _ in range(10)))
        stored = len((await client.get("/tasks")).json())
    statuses = dict(sorted(Counter(response.status_code for response in race).items()))
    print(f"{which:>8}: duplicate name -> {again.status_code} {again.headers['content-type']}")
    print(f"{'':>8}  ten identical tasks -> {statuses}, {stored} stored")
