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
# # Lesson 19 · Idempotency keys make creates safe to retry
#
# A client retries one create three times, then ten copies of another create arrive at once,
# all with one `Idempotency-Key` each. How many tasks exist afterwards?

# %%
import asyncio

from workbook.notebook_app import open_app

for which in ("starter", "solution"):
    async with open_app("19", which) as client:
        project = (await client.post("/projects", json={"name": "Apollo"})).json()
        tasks_url = f"/projects/{project['id']}/tasks"
        retried = {"Idempotency-Key": "9b0c6a52-retry"}
        answers = [
            await client.post(tasks_url, json={"title": "design"}, headers=retried)
            for _ in range(3)
        ]
        concurrent = {"Idempotency-Key": "9b0c6a52-concurrent"}
        await asyncio.gather(
            *(client.post(tasks_url, json={"title": "ship"}, headers=concurrent) for _ in range(10))
        )
        tasks = (await client.get(tasks_url)).json()
    same_answer = len({(answer.status_code, answer.text) for answer in answers}) == 1
    print(f"{which:>8}: {len(tasks)} tasks; the three retries got one identical answer: "
          f"{same_answer}")

# %% [markdown]
# The same key with a different body is not a retry but a client bug: the solution refuses it.

# %%
async with open_app("19", "solution") as client:
    project = (await client.post("/projects", json={"name": "Apollo"})).json()
    tasks_url = f"/projects/{project['id']}/tasks"
    key = {"Idempotency-Key": "4f1d-reused"}
    first = await client.post(tasks_url, json={"title": "design"}, headers=key)
    reused = await client.post(tasks_url, json={"title": "deploy"}, headers=key)
    replay = await client.post(tasks_url, json={"title": "design"}, headers=key)
print("first:  ", first.status_code, first.json())
print("reused: ", reused.status_code, reused.json())
print("replay: ", replay.status_code, replay.json(), replay.headers.get("idempotent-replayed"))
