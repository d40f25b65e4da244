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
# # Lesson 26 · Rate limits per client, counted atomically
#
# The starter and the solution, each limited to 5 requests a minute (the starter ignores the
# setting: it has no limit). Time is the injected clock, moved by hand: nothing here sleeps.

# %%
import asyncio
import contextlib
import os

from workbook.harness import serve
from workbook.loader import import_learner_module, target_on_path
from workbook.notebook_app import lesson
from workbook.targets import pristine_target, solution_target

LIMIT, WINDOW = 5, 60


class ManualClock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@contextlib.asynccontextmanager
async def open_limited(which, clock):
    chosen = lesson("26")
    target = solution_target(chosen) if which == "solution" else pristine_target(chosen)
    os.environ.update(APP_RATE_LIMIT_REQUESTS=str(LIMIT), APP_RATE_LIMIT_WINDOW_SECONDS=str(WINDOW))
    with target_on_path(target.root):
        app = import_learner_module(target.root, "app.main").app
        get_clock = import_learner_module(target.root, "app.core.clock").get_clock
        app.dependency_overrides[get_clock] = lambda: clock
        async with serve(app) as client:
            yield client


def tally(responses):
    counts = {}
    for response in responses:
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
    return dict(sorted(counts.items()))


# %% [markdown]
# Eight requests in a row from one client, then a burst of twenty sent at once from another
# (`asyncio.gather`), then the health check once the client is over its limit.

# %%
for which in ("starter", "solution"):
    clock = ManualClock(1_000_000_000.5)
    async with open_limited(which, clock) as client:
        in_a_row = [await client.get("/tasks") for _ in range(8)]
        # ASGITransport gives every request the same address; a second app run is a new client.
    async with open_limited(which, clock) as client:
        burst = await asyncio.gather(*(client.get("/tasks") for _ in range(20)))
        health = await client.get("/health")
    print(f"{which:<9} in a row: {[r.status_code for r in in_a_row]}")
    print(f"{'':<9} burst of 20: {tally(burst)}   /health over the limit: {health.status_code}")

# %% [markdown]
# The solution's refusal: a problem, and a `Retry-After` that is true. The clock stands 19.5 s
# before the end of its 60-second window, so the wait is rounded up to 20 s; a client that
# waits exactly that long gets in.

# %%
clock = ManualClock(1_000_000_000.5)
async with open_limited("solution", clock) as client:
    for _ in range(LIMIT):
        await client.get("/tasks")
    refused = await client.get("/tasks")
    print(refused.status_code, refused.headers["content-type"])
    print("Retry-After:", refused.headers["Retry-After"])
    print(refused.json())
    clock.now += int(refused.headers["Retry-After"]) - 1
    print("one second early:", (await client.get("/tasks")).status_code)
    clock.now += 1
    print("after Retry-After:", (await client.get("/tasks")).status_code)
