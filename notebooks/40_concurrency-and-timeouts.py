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
# # Lesson 40 · Concurrent calls within a time budget, cancelled cleanly
#
# Both apps put a project's overview together from three calls to a fake project-data
# service (the checks' fake, an `httpx.MockTransport`). Its handler runs inside the app's own
# tasks, so it can count the calls in flight at once and see each call that is cancelled.
# Each call takes 0.2 s, or waits at a gate we open ourselves.

# %%
import asyncio
import contextlib
import importlib.util
import time

import httpx

from workbook.harness import serve
from workbook.loader import import_learner_module, target_on_path
from workbook.notebook_app import environment, lesson
from workbook.targets import pristine_target, solution_target

LESSON = lesson("40")
spec = importlib.util.spec_from_file_location("checks_40", LESSON.checks_file)
checks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checks)
PATH = "/projects/12/overview"


@contextlib.asynccontextmanager
async def service(which, data, **settings):
    target = pristine_target(LESSON) if which == "starter" else solution_target(LESSON)
    env = {"APP_UPSTREAM_URL": "http://projects.test", **settings}
    with target_on_path(target.root), environment(env):
        main = import_learner_module(target.root, "app.main")
        async with serve(main.create_app(transport=httpx.MockTransport(data.handle))) as client:
            try:
                yield client
            finally:
                data.gate.set()


async def within(seconds, awaitable):
    """The awaitable's result, or None when it is not done within `seconds` (a watchdog)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            return await awaitable
    return None


# %% [markdown]
# ## Rule 40.1: three calls, one after another or at once?
#
# Each call takes 0.2 s. The ratio compares the overview with the same three calls made one
# after another, measured in the same cell.

# %%
for which in ("starter", "solution"):
    data = checks.ProjectData()
    async with service(which, data) as client:
        await client.get(PATH)  # warm up
        async with httpx.AsyncClient(transport=httpx.MockTransport(data.handle),
                                     base_url="http://projects.test") as upstream:
            started = time.perf_counter()
            for source in checks.SOURCES:
                await upstream.get(f"/projects/12/{source}")
            in_a_row = time.perf_counter() - started
        data.max_in_flight = 0
        started = time.perf_counter()
        response = await client.get(PATH)
        ratio = (time.perf_counter() - started) / in_a_row
    print(f"{which:>8}: {response.status_code}; calls in flight at once: {data.max_in_flight}; "
          f"under half the time of three in a row: {ratio < 0.5}")

# %% [markdown]
# ## Rule 40.2: one call fails while the two others are still running
#
# `members` fails at once; `tasks` and `milestones` wait at the gate. When does the client
# get its answer, and what happens to the two others?

# %%
for which in ("starter", "solution"):
    data = checks.ProjectData(behaviour={"tasks": "hold", "members": "fail",
                                         "milestones": "hold"})
    async with service(which, data, APP_OVERVIEW_BUDGET_SECONDS="60") as client:
        response = await within(2, client.get(PATH))
        cancelled = sorted(data.cancelled)
    if response is None:
        print(f"{which:>8}: no answer while the others were held (we gave up after 2 s)")
    else:
        print(f"{which:>8}: {response.status_code}; cancelled before the answer: "
              f"{cancelled or 'none'}")

# %% [markdown]
# ## Rules 40.3 and 40.4: the sources hang
#
# All three calls wait at a gate that never opens on its own; the budget is 0.3 s.

# %%
for which in ("starter", "solution"):
    data = checks.ProjectData(behaviour=dict.fromkeys(checks.SOURCES, "hold"))
    async with service(which, data, APP_OVERVIEW_BUDGET_SECONDS="0.3") as client:
        response = await within(2, client.get(PATH))
        cancelled = sorted(data.cancelled)
        data.gate.set()
        for _ in range(50):
            await asyncio.sleep(0)
    if response is None:
        print(f"{which:>8}: no answer (we gave up after 2 s)")
    else:
        print(f"{which:>8}: {response.status_code} {response.headers['content-type']}; "
              f"cancelled: {cancelled or 'none'}; completed after the answer: "
              f"{sorted(data.completed) or 'none'}")
