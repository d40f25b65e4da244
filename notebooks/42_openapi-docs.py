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
# # Lesson 42 · A complete, truthful OpenAPI document
#
# The same walk the checks make over `/openapi.json`, on the starter and on the solution:
# for each operation, which of the things a client needs are there.

# %%
from workbook.notebook_app import open_app

METHODS = ("get", "put", "post", "delete", "patch")


def walk(document):
    rows = []
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.get("responses", {})
            successes = [code for code in responses if code.startswith("2")]
            errors = sorted(code for code in responses if code[0] in "45")
            problem_errors = [
                code for code in errors
                if "application/problem+json" in responses[code].get("content", {})
            ]
            rows.append((
                f"{method.upper()} {path}",
                "yes" if operation.get("description") else "no",
                ",".join(operation.get("tags", [])) or "-",
                ",".join(successes),
                f"{len(problem_errors)}/{len(errors)}",
                operation.get("operationId"),
            ))
    return rows


documents = {}
for which in ("starter", "solution"):
    async with open_app("42", which) as client:
        documents[which] = (await client.get("/openapi.json")).json()

for which, document in documents.items():
    print(which)
    print(f"  {'operation':<32} {'descr':<5} {'tags':<9} {'2xx':<4} {'problem':<7} operationId")
    for row in walk(document):
        print(f"  {row[0]:<32} {row[1]:<5} {row[2]:<9} {row[3]:<4} {row[4]:<7} {row[5]}")

# %% [markdown]
# What the starter promises and what it sends: its create route is documented as `200`.

# %%
for which in ("starter", "solution"):
    async with open_app("42", which) as client:
        response = await client.post("/tasks", json={"title": "Write the notes"})
    documented = [code for code in documents[which]["paths"]["/tasks"]["post"]["responses"]
                  if code.startswith("2")]
    print(f"{which:<9} documents {documented}, sends {response.status_code}")

# %% [markdown]
# In production settings the docs and the document are gone; the API still answers.

# %%
for which in ("starter", "solution"):
    async with open_app("42", which, env={"APP_ENVIRONMENT": "production"}) as client:
        answers = {path: (await client.get(path)).status_code
                   for path in ("/docs", "/redoc", "/openapi.json", "/tasks")}
    print(which, answers)
