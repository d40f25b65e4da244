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
# # Lesson 06 · Router, service, repository
#
# Splitting a fat handler into layers changes nothing a client can see: the same requests
# get the same answers from the starter and from the solution.

# %%
from workbook.notebook_app import open_app


async def walk(client):
    statuses = []
    for number in range(4):
        response = await client.post("/tasks", json={"title": f"Task {number}", "assignee": "ada"})
        statuses.append(response.status_code)
    statuses.append((await client.post("/tasks/1/complete")).status_code)
    statuses.append((await client.post("/tasks/1/complete")).status_code)
    statuses.append((await client.get("/tasks/99")).status_code)
    return statuses


for which in ("starter", "solution"):
    async with open_app("06", which) as client:
        print(f"{which:>8}: {await walk(client)}")

# %% [markdown]
# What changed is where the rules live. The solution's `TaskService` runs with FastAPI made
# unimportable (`sys.modules[name] = None` makes every import of it fail) and with a
# repository that is nothing but a dict: the three-open-tasks rule holds without a request,
# a server or a database.

# %%
import importlib
import sys

from workbook.loader import target_on_path
from workbook.notebook_app import lesson
from workbook.targets import solution_target


class MemoryTasks:
    """The TaskRepository protocol over a dict."""

    def __init__(self, read_model):
        self.read_model, self.rows = read_model, {}

    async def add(self, data):
        task_id = len(self.rows) + 1
        self.rows[task_id] = {"id": task_id, "title": data.title, "assignee": data.assignee,
                              "is_done": False}
        return self.read_model(**self.rows[task_id])

    async def get(self, task_id):
        return self.read_model(**self.rows[task_id]) if task_id in self.rows else None

    async def list_all(self):
        return [self.read_model(**row) for row in self.rows.values()]

    async def count_open(self, assignee):
        return sum(row["assignee"] == assignee and not row["is_done"] for row in self.rows.values())

    async def mark_done(self, task_id):
        self.rows[task_id]["is_done"] = True
        return self.read_model(**self.rows[task_id])


web = {name: sys.modules.pop(name) for name in list(sys.modules)
       if name.split(".")[0] in ("fastapi", "starlette")}
sys.modules["fastapi"] = sys.modules["starlette"] = None
try:
    with target_on_path(solution_target(lesson("06")).root):
        schemas = importlib.import_module("app.tasks.schemas")
        exceptions = importlib.import_module("app.tasks.exceptions")
        service = importlib.import_module("app.tasks.service").TaskService(
            MemoryTasks(schemas.TaskRead)
        )
        for number in range(4):
            try:
                task = await service.create(schemas.TaskCreate(title=f"Task {number}",
                                                               assignee="ada"))
                print(f"task {number}: created")
            except exceptions.TaskError as error:
                print(f"task {number}: {type(error).__name__}: {error}")
finally:
    del sys.modules["fastapi"], sys.modules["starlette"]
    sys.modules.update(web)
