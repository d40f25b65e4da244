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
# # Lesson 14 · No N+1 queries
#
# Fill the database with projects (three tasks each), then count the SQL statements one
# `GET /projects` sends, on the starter and on the solution. The statements are counted with
# a SQLAlchemy engine event, the way the checks count them.

# %%
import contextlib
import os

from sqlalchemy import MetaData, event, insert
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import create_async_engine

from workbook.notebook_app import open_app


@contextlib.contextmanager
def statements():
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def seed(projects):
    engine = create_async_engine(os.environ["APP_DATABASE_URL"])
    metadata = MetaData()
    async with engine.begin() as connection:
        await connection.run_sync(metadata.reflect)
        user, project, task = (metadata.tables[name] for name in ("user", "project", "task"))
        await connection.execute(insert(user), [
            {"name": f"User {n}", "email": f"user{n}@example.com"} for n in range(1, 11)])
        await connection.execute(insert(project), [
            {"name": f"Project {n}", "owner_id": 1 + n % 5} for n in range(1, projects + 1)])
        await connection.execute(insert(task), [
            {"project_id": p, "title": f"Task {p}.{j}", "description": "long notes " * 50,
             "is_done": j == 0, "assignee_id": 6 + (p + j) % 5 if j < 2 else None}
            for p in range(1, projects + 1) for j in range(3)])
    await engine.dispose()


bodies = {}
for which in ("starter", "solution"):
    for projects in (10, 50):
        async with open_app("14", which) as client:
            await seed(projects)
            with statements() as seen:
                response = await client.get("/projects", params={"limit": projects})
        bodies[which, projects] = response.json()
        unshown = sum("description" in s or "email" in s for s in seen)
        print(f"{which:>8}, {projects} projects: {len(seen):>2} statements, "
              f"{unshown} of them reading description or email")

print("same response from both:", all(
    bodies["starter", n] == bodies["solution", n] for n in (10, 50)))

# %% [markdown]
# The starter's count grows with the rows (one statement per project for its tasks, plus one
# per owner and assignee it has not met yet); the solution's stays at two: the projects with
# their owners joined in, then every task of those projects with its assignee joined in.
