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
# # Lesson 35 · A server-side cache: TTL, invalidation, keys, one computation
#
# Two users keep a dashboard open on one project: 40 refreshes each, a new task written
# halfway. Then 20 requests arrive at once for numbers nobody has asked for yet. How often
# does each version of the service run the slow statistics query, and what does bob see?
#
# The slow source is the app's own `StatsSource`, wrapped (through its dependency,
# `get_stats_source`) in a counter that also makes each call take 50 ms.

# %%
import asyncio
import sys

from workbook.notebook_app import open_app

ALICE = {"Authorization": "Bearer alice-token"}
BOB = {"Authorization": "Bearer bob-token"}


def count_source_calls() -> list[str]:
    """Wrap the stats source of the app open_app just imported; return its call log."""
    dependencies = sys.modules["app.projects.dependencies"]
    original = dependencies.get_stats_source
    calls: list[str] = []

    class Slow:
        def __init__(self, inner: object) -> None:
            self.inner = inner

        async def project_stats(self, *args: object) -> object:
            calls.append("call")
            await asyncio.sleep(0.05)
            return await self.inner.project_stats(*args)

    from fastapi import Request

    def slow_source(request: Request) -> object:
        return Slow(original(request))

    sys.modules["app.main"].app.dependency_overrides[original] = slow_source
    return calls


for which in ("starter", "solution"):
    async with open_app("35", which) as client:
        calls = count_source_calls()
        project = (await client.post("/projects", json={"name": "Apollo"}, headers=ALICE)).json()
        url = f"/projects/{project['id']}"
        await client.post(f"{url}/tasks", json={"title": "design", "assignee": "alice"},
                          headers=ALICE)
        for refresh in range(40):
            if refresh == 20:
                await client.post(f"{url}/tasks", json={"title": "test", "assignee": "bob"},
                                  headers=ALICE)
            await client.get(f"{url}/stats", headers=ALICE)
            bob_sees = (await client.get(f"{url}/stats", headers=BOB)).json()
        refreshes = len(calls)
        burst = await asyncio.gather(
            *(client.get(f"{url}/stats", params={"status": "done"}, headers=ALICE)
              for _ in range(20))
        )
        burst_calls = len(calls) - refreshes
    print(f"{which:>8}: 80 refreshes -> {refreshes} source calls; bob finally sees "
          f"total {bob_sees['total']}, mine {bob_sees['mine']}; "
          f"20 concurrent misses -> {burst_calls} source call(s)")

# %% [markdown]
# The solution ran the query four times for 80 refreshes: once per user before the write,
# once per user after it (the write invalidated both users' entries, so bob sees his new
# task at once), and once for the 20 concurrent misses: the first computed, the other 19
# awaited the same computation.
#
# With `APP_REDIS_URL` set, the same code keeps its entries in Redis, under
# `APP_REDIS_KEY_PREFIX`, each with a TTL (`PX`), so every process of the service shares them.
