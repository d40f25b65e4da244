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
# # Lesson 36 · Serialization and compression: declared models, gzip, sparse fieldsets
#
# ## Three ways to send the same 2000 tasks
#
# The same list of `TaskRead` models, sent by three routes of one app on the installed
# FastAPI:
#
# - **declared**: `-> list[TaskRead]`, return the models (FastAPI's fast path: pydantic-core
#   dumps them straight to JSON bytes);
# - **encoder**: `return JSONResponse(jsonable_encoder(models))`, as the starter does;
# - **response_class**: `-> list[TaskRead]` but `response_class=JSONResponse` on the decorator.
#
# Each route is timed 25 times, interleaved; the best time of each is compared, so that a
# busy machine slows every path alike. Only verdicts against generous thresholds are printed.

# %%
import gzip
import sys
import time

import fastapi
import httpx
from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from workbook.notebook_app import open_app

async with open_app("36", "solution") as client:
    schemas = sys.modules["app.tasks.schemas"]
    store = sys.modules["app.tasks.store"].demo_store()
TaskRead = schemas.TaskRead
tasks = [TaskRead.model_validate(task) for task in store.get(1).tasks]

bench = FastAPI()


@bench.get("/declared")
async def declared() -> list[TaskRead]:
    return tasks


@bench.get("/encoder")
async def encoder() -> JSONResponse:
    return JSONResponse(jsonable_encoder(tasks))


@bench.get("/response_class", response_class=JSONResponse)
async def with_response_class() -> list[TaskRead]:
    return tasks


best: dict[str, float] = {}
bodies: dict[str, object] = {}
async with httpx.AsyncClient(transport=httpx.ASGITransport(bench), base_url="http://t") as c:
    for _ in range(25):
        for path in ("/declared", "/encoder", "/response_class"):
            started = time.perf_counter()
            response = await c.get(path)
            elapsed = time.perf_counter() - started
            best[path] = min(best.get(path, elapsed), elapsed)
            bodies[path] = response.json()

print("FastAPI", fastapi.__version__, "| 2000 tasks,", len(response.content), "bytes of JSON")
print("the three paths send the same JSON:", bodies["/declared"] == bodies["/encoder"]
      == bodies["/response_class"])
print("declared is at least 3x faster than JSONResponse(jsonable_encoder(...)):",
      best["/encoder"] > 3 * best["/declared"])
print("declared is at least 1.3x faster than response_class=JSONResponse:",
      best["/response_class"] > 1.3 * best["/declared"])

# %% [markdown]
# While the lesson was written, this measurement ran 23 times, 20 of them on a two-core machine
# kept busy by other processes: the declared model was 15 to 150 times faster than the encoder
# and 2.5 to 20 times faster than the same model behind `response_class=JSONResponse`, so the
# thresholds above sit far below the worst run. `jsonable_encoder` walks every value in
# Python; a custom response class makes FastAPI build Python structures first and
# `json.dumps` them afterwards; the fast path does neither.
#
# ## Bytes on the wire
#
# The task list as the starter and the solution send it: plain, to a client that accepts
# gzip, and (solution only) as a sparse fieldset.

# %%
for which in ("starter", "solution"):
    async with open_app("36", which) as client:
        plain = await client.get("/projects/1/tasks", headers={"Accept-Encoding": "identity"})
        async with client.stream("GET", "/projects/1/tasks",
                                 headers={"Accept-Encoding": "gzip"}) as asked:
            wire = b"".join([chunk async for chunk in asked.aiter_raw()])
        sparse = await client.get("/projects/1/tasks?fields=id,title",
                                  headers={"Accept-Encoding": "identity"})
    is_gzipped = asked.headers.get("content-encoding") == "gzip"
    print(f"{which:>8}: plain {len(plain.content)} bytes; asked for gzip: "
          f"{'gzipped' if is_gzipped else 'plain'}, at least 5x smaller: "
          f"{len(wire) * 5 < len(plain.content)}; ?fields=id,title: "
          f"{len(sparse.content)} bytes")
    if is_gzipped:
        print("          gzipped body decompresses to the plain one:",
              gzip.decompress(wire) == plain.content)
