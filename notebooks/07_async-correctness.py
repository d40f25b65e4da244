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
# # Lesson 07 · Never block the event loop
#
# Both apps look people up through the same blocking directory SDK, which sleeps for a fixed
# latency per call. The starter calls it from `async def` handlers; the solution uses a plain
# `def` handler and `run_in_threadpool`. Durations vary by machine, so each measurement is
# printed as a ratio against a threshold.

# %%
import asyncio
import time

from workbook.notebook_app import open_app

LATENCY = {"APP_DIRECTORY_LATENCY_SECONDS": "0.1"}
SLOW_LATENCY = {"APP_DIRECTORY_LATENCY_SECONDS": "0.3"}
CONCURRENT = 8
PATH = "/assignees/ada.lovelace"


async def seconds_for(client, *paths):
    started = time.perf_counter()
    responses = await asyncio.gather(*(client.get(path) for path in paths))
    assert all(response.status_code == 200 for response in responses)
    return time.perf_counter() - started


# %% [markdown]
# ## Rule 07.2: eight lookups at once, against one
#
# Overlapping lookups take about as long as one; lookups that block the loop queue up and take
# about eight times as long.

# %%
for which in ("starter", "solution"):
    async with open_app("07", which, env=LATENCY) as client:
        await client.get(PATH)  # warm up
        one = await seconds_for(client, PATH)
        together = await seconds_for(client, *[PATH] * CONCURRENT)
    ratio = together / one
    print(f"{which:>8}: overlap (under 3x one): {ratio < 3}   queue up (over 5x): {ratio > 5}")

# %% [markdown]
# ## Rule 07.1: does the heartbeat answer while a lookup runs?

# %%
for which in ("starter", "solution"):
    async with open_app("07", which, env=SLOW_LATENCY) as client:
        await client.get("/healthz")
        lookup = asyncio.create_task(client.get(PATH))
        await asyncio.sleep(0.03)  # let the lookup start
        heartbeat = await client.get("/healthz")
        answered_first = not lookup.done()
        await lookup
    print(f"{which:>8}: /healthz {heartbeat.status_code} before the lookup ended: {answered_first}")
