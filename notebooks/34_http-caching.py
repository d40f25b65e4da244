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
# # Lesson 34 · HTTP caching: validators, 304 and Cache-Control
#
# A dashboard polls one project twenty times; the project changes once, halfway. Each poll
# sends back the validator it got last (`If-None-Match`), as a browser does. How many full
# bodies does each version of the service send, and how many bytes?
#
# The app's clock is fixed (its `get_clock` dependency is replaced), so every output below is
# the same on every run.

# %%
import sys
from datetime import UTC, datetime

from workbook.notebook_app import open_app


def fixed_clock() -> datetime:
    return datetime(2026, 1, 5, 10, 0, 0, 700_000, tzinfo=UTC)


def freeze_time() -> None:
    """Replace the clock dependency of the app that open_app just imported."""
    clock = sys.modules["app.core.clock"]
    sys.modules["app.main"].app.dependency_overrides[clock.get_clock] = lambda: fixed_clock


for which in ("starter", "solution"):
    async with open_app("34", which) as client:
        freeze_time()
        project = (await client.post("/projects", json={"name": "Apollo"})).json()
        url = f"/projects/{project['id']}"
        statuses: list[int] = []
        body_bytes = 0
        tag = None
        for poll in range(20):
            if poll == 10:
                await client.post(f"{url}/tasks", json={"title": "launch"})
            headers = {"If-None-Match": tag} if tag else {}
            response = await client.get(url, headers=headers)
            statuses.append(response.status_code)
            body_bytes += len(response.content)
            tag = response.headers.get("etag", tag)
    print(f"{which:>8}: {statuses.count(200)} full bodies, {statuses.count(304)} x 304, "
          f"{body_bytes} body bytes in 20 polls")

# %% [markdown]
# The solution sent two bodies: the first, and the first after the change (a new task changed
# the body, so the tag changed). Every other poll was an empty `304`.
#
# What the headers say, on the shared project and on the user's own profile:

# %%
async with open_app("34", "solution") as client:
    freeze_time()
    project = (await client.post("/projects", json={"name": "Apollo"})).json()
    url = f"/projects/{project['id']}"
    full = await client.get(url)
    by_date = await client.get(url, headers={"If-Modified-Since": full.headers["last-modified"]})
    stale_tag = await client.get(url, headers={
        "If-None-Match": '"stale"', "If-Modified-Since": full.headers["last-modified"]})
    me = await client.get("/me", headers={"Authorization": "Bearer alice-token"})
for name in ("etag", "last-modified", "cache-control"):
    print(f"project {name}: {full.headers[name]}")
print("If-Modified-Since = Last-Modified:          ", by_date.status_code)
print("stale If-None-Match + current If-Modified-Since:", stale_tag.status_code)
print("/me cache-control:", me.headers["cache-control"])
