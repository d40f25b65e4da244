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
# # Lesson 41 · Version the API; retire the old version openly
#
# A v1 client's calls, sent to the starter (which changed its routes in place) and to the
# solution (v1 frozen under `/api/v1`, v2 beside it). What the old client gets back decides
# whether it still works.

# %%
from workbook.notebook_app import open_app


async def old_client(client, prefix):
    """What a v1 client does: create a task, mark it done, read the list, parse `done`."""
    created = await client.post(f"{prefix}/tasks", json={"title": "Write the notes"})
    task = created.json()
    done = await client.post(f"{prefix}/tasks/{task.get('id', 1)}/done")
    listed = (await client.get(f"{prefix}/tasks")).json()
    is_parsed = isinstance(listed, list) and all("done" in item for item in listed)
    return created.status_code, sorted(task), done.status_code, is_parsed


for which, prefix in (("starter", ""), ("solution", "/api/v1")):
    async with open_app("41", which) as client:
        created, keys, done, is_parsed = await old_client(client, prefix)
    print(f"{which:<9} create {created} keys {keys}  /done {done}  list parsed: {is_parsed}")

# %% [markdown]
# The solution tells v1's clients, on every answer (a 404 too), that v1 is going and when;
# v2's answers carry no such header. The dates are fixed in the code, so they print the same
# on every run.

# %%
async with open_app("41", "solution") as client:
    for path in ("/api/v1/tasks", "/api/v1/tasks/999", "/api/v2/tasks"):
        response = await client.get(path)
        print(f"{path:<18} {response.status_code}  Deprecation: "
              f"{response.headers.get('deprecation')}  Sunset: {response.headers.get('sunset')}")
    document = (await client.get("/openapi.json")).json()
for path, item in document["paths"].items():
    for method, operation in item.items():
        print(f"{method.upper():<5} {path:<32} deprecated: {operation.get('deprecated', False)}")
