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
# # Lesson 02 · Resources and status codes
#
# The same conversation with the starter and with the solution: create a project, rename it
# with a PATCH that sends only the name, ask for a project that does not exist, delete.

# %%
from workbook.notebook_app import open_app

APOLLO = {"name": "Apollo", "description": "Fly to the moon and back"}


async def conversation(client):
    created = await client.post("/projects", json=APOLLO)
    path = f"/projects/{created.json()['id']}"
    renamed = await client.patch(path, json={"name": "Apollo 11"})
    missing = await client.get("/projects/999")
    deleted = await client.delete(path)
    return {
        "POST /projects": f"{created.status_code}, Location: {created.headers.get('location')}",
        "PATCH {name} keeps description": renamed.json()["description"] == APOLLO["description"],
        "GET a missing project": f"{missing.status_code} {missing.text[:40]}",
        "DELETE": f"{deleted.status_code}, {len(deleted.content)} body bytes",
    }


answers = {}
for which in ("starter", "solution"):
    async with open_app("02", which) as client:
        answers[which] = await conversation(client)
for step in answers["starter"]:
    print(step)
    for which in ("starter", "solution"):
        print(f"  {which:>8}: {answers[which][step]}")

# %% [markdown]
# The status declared on the decorator is also the one `/openapi.json` promises to clients.

# %%
for which in ("starter", "solution"):
    async with open_app("02", which) as client:
        paths = (await client.get("/openapi.json")).json()["paths"]
    post = sorted(paths["/projects"]["post"]["responses"])
    delete = sorted(paths["/projects/{project_id}"]["delete"]["responses"])
    print(f"{which:>8}: POST documents {post}, DELETE documents {delete}")
