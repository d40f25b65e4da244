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
# # Lesson 09 · One error format: RFC 9457 problem details
#
# Every error path of the service, sent to the starter and to the solution. The starter's
# answers come in five shapes; the solution's in one, with its own media type.

# %%
import json
import logging

from workbook.notebook_app import open_app

# The 500's traceback belongs in the service's log, not on this page.
logging.getLogger("app").addHandler(logging.NullHandler())
logging.getLogger("app").propagate = False


async def error_paths(client):
    await client.post("/tasks", json={"title": "Ship it"})
    await client.post("/tasks/1/complete")
    return {
        "domain error": await client.get("/tasks/999"),
        "HTTPException": await client.get("/tasks?assignee_id=1&unassigned=true"),
        "unknown route": await client.get("/no-such-route"),
        "wrong method": await client.delete("/tasks"),
        "invalid body": await client.post("/tasks", json={"title": 5, "owner": "ada"}),
        "unexpected error": await client.get("/reports/overdue"),
    }


def shape(response):
    media_type = response.headers["content-type"].split(";")[0]
    return f"{response.status_code} {media_type:<25} {sorted(response.json())}"


answers = {}
for which in ("starter", "solution"):
    async with open_app("09", which) as client:
        answers[which] = await error_paths(client)

for which, responses in answers.items():
    print(which)
    for path, response in responses.items():
        print(f"  {path:<17} {shape(response)}")

# %% [markdown]
# A validation problem points at each failing value: a JSON Pointer into the body.

# %%
print(json.dumps(answers["solution"]["invalid body"].json(), indent=2))

# %% [markdown]
# The OpenAPI document tells clients the same: here is what it says about the errors of
# `GET /tasks/{task_id}`.

# %%
documents = {}
for which in ("starter", "solution"):
    async with open_app("09", which) as client:
        documents[which] = (await client.get("/openapi.json")).json()

for which, document in documents.items():
    print(which)
    responses = document["paths"]["/tasks/{task_id}"]["get"]["responses"]
    for status, response in sorted(responses.items()):
        if status.startswith(("4", "5")):
            for media_type, content in response.get("content", {}).items():
                print(f"  {status} {media_type:<25} {content['schema']}")
