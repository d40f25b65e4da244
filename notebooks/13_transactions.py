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
# # Lesson 13 · Transactions: the service owns the unit of work
#
# A transfer is three steps: record it, take the hours from the source, give them to the
# target. Here the target is nearly full, so step 3 fails (the database refuses a budget above
# 1000 hours). What is left behind?

# %%
from workbook.notebook_app import open_app


async def project(client, name, hours):
    response = await client.post("/projects", json={"name": name, "budget_hours": hours})
    return response.json()["id"]


async def budgets(client):
    return {p["name"]: p["budget_hours"] for p in (await client.get("/projects")).json()}


for which in ("starter", "solution"):
    async with open_app("13", which) as client:
        apollo = await project(client, "Apollo", 100)
        gemini = await project(client, "Gemini", 995)
        payload = {"source_id": apollo, "target_id": gemini, "hours": 10}
        response = await client.post("/transfers", json=payload)
        recorded = len((await client.get("/transfers")).json())
        print(f"{which:>8}: {response.status_code}, budgets {await budgets(client)}, "
              f"{recorded} transfer(s) recorded")

# %% [markdown]
# The starter committed steps 1 and 2 before step 3 failed: ten hours are gone and a transfer
# that never happened is on record. The solution's one transaction rolled all three back.
#
# Now twelve transfers at once, some of which must be refused. Whatever order they run in, the
# total must not change, and each budget must be its start plus the accepted moves.

# %%
import asyncio

for which in ("starter", "solution"):
    async with open_app("13", which) as client:
        a, b = await project(client, "A", 50), await project(client, "B", 0)
        c, d = await project(client, "C", 995), await project(client, "D", 100)
        e, f = await project(client, "E", 100), await project(client, "F", 100)
        start = (await client.get("/projects")).json()
        plan = [(a, b)] * 6 + [(e, f), (f, e)] * 2 + [(d, c)] * 2
        responses = await asyncio.gather(*(
            client.post("/transfers", json={"source_id": s, "target_id": t, "hours": 10})
            for s, t in plan
        ))
        end = (await client.get("/projects")).json()
        recorded = len((await client.get("/transfers")).json())
    wanted = {p["id"]: p["budget_hours"] for p in start}
    accepted = [pair for pair, r in zip(plan, responses, strict=True) if r.status_code == 201]
    for source, target in accepted:
        wanted[source] -= 10
        wanted[target] += 10
    total_before = sum(p["budget_hours"] for p in start)
    total_after = sum(p["budget_hours"] for p in end)
    print(f"{which:>8}: total {total_before} -> {total_after}; budgets match the accepted "
          f"moves: {wanted == {p['id']: p['budget_hours'] for p in end}}; "
          f"one record per accepted move: {recorded == len(accepted)}")
