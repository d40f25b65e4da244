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
# # Lesson 18 · Alembic owns the schema
#
# Start each app on an empty SQLite database and look at what is there afterwards: the
# starter builds its own tables, the solution builds none.

# %%
import asyncio
import shutil
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect

from workbook.loader import target_on_path
from workbook.notebook_app import environment, lesson, open_app

scratch = Path(tempfile.mkdtemp(prefix="lesson-18-"))


def tables(database: Path) -> list[str]:
    engine = create_engine(f"sqlite:///{database}")
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


for which in ("starter", "solution"):
    database = scratch / f"{which}.db"
    env = {"APP_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    async with open_app("18", which, env=env) as client:
        await client.get("/openapi.json")
    print(f"{which:>8} after start-up: {tables(database)}")

# %% [markdown]
# The solution's schema comes from `alembic upgrade head`, run before the app starts. Alembic's
# Python API does what the command line does; `env.py` finds the URL in `APP_DATABASE_URL`,
# exactly as the app does. (`env.py` calls `asyncio.run`, so from inside this notebook's event
# loop the command runs in a worker thread.)

# %%
root = lesson("18").solution_dir
database = scratch / "migrated.db"
url = f"sqlite+aiosqlite:///{database}"
config = Config(str(root / "alembic.ini"), attributes={"configure_logger": False})


async def alembic(name: str, *arguments: str) -> None:
    with target_on_path(root), environment({"APP_DATABASE_URL": url}):
        await asyncio.to_thread(getattr(command, name), config, *arguments)


await alembic("upgrade", "head")
print("after upgrade head:  ", tables(database))

async with open_app("18", "solution", env={"APP_DATABASE_URL": url}) as client:
    project = await client.post("/projects", json={"name": "Apollo"})
    task = await client.post(f"/projects/{project.json()['id']}/tasks", json={"title": "ship"})
print("create project, task:", project.status_code, task.status_code)

await alembic("check")  # raises if the models hold a change no migration has

await alembic("downgrade", "base")
print("after downgrade base:", tables(database))
shutil.rmtree(scratch)
