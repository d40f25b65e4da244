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
# # Lesson 11 · An engine per app, a session per request
#
# SQLAlchemy's event API lets us watch, from outside, what each app does with its sessions and
# pooled connections while it serves requests. Each app gets an empty SQLite database of its
# own.

# %%
import asyncio
import contextlib
import logging
import warnings

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from workbook.notebook_app import open_app

# The starter misuses its session on purpose; keep its complaints out of the outputs.
warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)


@contextlib.contextmanager
def listening(target, **listeners):
    for name, listener in listeners.items():
        event.listen(target, name, listener)
    try:
        yield
    finally:
        for name, listener in listeners.items():
            event.remove(target, name, listener)


async def new_project(client):
    return (await client.post("/projects", json={"name": "Apollo"})).json()["id"]


# %% [markdown]
# ## Rule 11.2: twelve concurrent requests, how many sessions?

# %%
async def sessions_used(which):
    """Which request (asyncio task) used which session, for twelve concurrent requests."""
    requests_by_session = {}

    def note(session):
        requests_by_session.setdefault(id(session), set()).add(id(asyncio.current_task()))

    async with open_app("11", which) as client:
        project = await new_project(client)
        with listening(Session, do_orm_execute=lambda state: note(state.session),
                       before_flush=lambda session, *_: note(session)):
            await asyncio.gather(*(
                client.post(f"/projects/{project}/tasks", json={"title": f"task {n}"})
                if n % 2 else client.get(f"/projects/{project}/tasks")
                for n in range(12)
            ))
    return requests_by_session


for which in ("starter", "solution"):
    used = await sessions_used(which)
    shared = sum(1 for requests in used.values() if len(requests) > 1)
    print(f"{which:>8}: a session serves more than one request: {shared > 0}")

# %% [markdown]
# ## Rules 11.1 and 11.2: where the pooled connections end up
#
# Checked out while a request runs, back in the pool when it is answered, closed when the app
# shuts down.

# %%
async def pool_events(which):
    """Pool events while the app starts, serves two requests, and shuts down."""
    counts = dict.fromkeys(("connect", "close", "checkout", "checkin"), 0)

    def counter(name):
        def count(*_):
            counts[name] += 1
        return count

    with listening(Pool, connect=counter("connect"), close=counter("close"),
                   close_detached=counter("close"), checkout=counter("checkout"),
                   checkin=counter("checkin")):
        async with open_app("11", which) as client:
            project = await new_project(client)
            await client.get(f"/projects/{project}/tasks")
            held = counts["checkout"] - counts["checkin"]
    return held, counts["connect"] - counts["close"]


for which in ("starter", "solution"):
    held, left_open = await pool_events(which)
    print(f"{which:>8}: connections held after the requests: {held}, "
          f"left open after shutdown: {left_open}")
