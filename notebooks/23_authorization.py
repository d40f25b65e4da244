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
# # Lesson 23 · Authorize in the query: owners see their objects, roles guard the rest
#
# ada and grace both have accounts. ada writes a task; grace, logged in as herself, tries
# ada's task id on every route that takes one, then the admin routes. What does each service
# answer?

# %%
from workbook.notebook_app import open_app

ENV = {"APP_JWT_SECRET_KEY": "notebook-signing-key-" + "0123456789abcdef" * 2,
       "APP_ADMIN_USERNAME": "root", "APP_ADMIN_PASSWORD": "root-password-42",
       "APP_ARGON2_TIME_COST": "1", "APP_ARGON2_MEMORY_COST": "1024",
       "APP_ARGON2_PARALLELISM": "1"}


async def member(client, username: str) -> dict[str, str]:
    await client.post("/users", json={"username": username, "password": "hunter2-hunter2"})
    form = {"username": username, "password": "hunter2-hunter2"}
    token = (await client.post("/auth/token", data=form)).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


outcomes: dict[str, dict[str, str]] = {}
for which in ("starter", "solution"):
    async with open_app("23", which, env=ENV) as client:
        ada, grace = await member(client, "ada"), await member(client, "grace")
        task = (await client.post("/tasks", json={"title": "ada's plan"}, headers=ada)).json()
        await client.post(f"/tasks/{task['id']}/comments", json={"body": "secret"}, headers=ada)
        attempts = {
            "GET /tasks/{ada's}": ("GET", f"/tasks/{task['id']}", None),
            "GET /tasks/{ada's}/comments": ("GET", f"/tasks/{task['id']}/comments", None),
            "GET /tasks?owner_id={ada}": ("GET", f"/tasks?owner_id={task['owner_id']}", None),
            "PATCH /tasks/{ada's}": ("PATCH", f"/tasks/{task['id']}", {"title": "grace's now"}),
            "GET /admin/users": ("GET", "/admin/users", None),
            "DELETE /tasks/{ada's}": ("DELETE", f"/tasks/{task['id']}", None),
        }
        for label, (method, path, body) in attempts.items():
            response = await client.request(method, path, json=body, headers=grace)
            sees_ada = "ada's plan" in response.text or "secret" in response.text
            verdict = f"{response.status_code}{' + ada data' if sees_ada else ''}"
            outcomes.setdefault(label, {})[which] = verdict
        left = await client.get(f"/tasks/{task['id']}", headers=ada)
        outcomes.setdefault("ada's task afterwards", {})[which] = (
            f"{left.status_code} " + ("intact" if "ada's plan" in left.text else "gone/changed")
        )

print(f"{'grace sends':<30} {'starter':<18} solution")
for label, outcome in outcomes.items():
    print(f"{label:<30} {outcome['starter']:<18} {outcome['solution']}")

# %% [markdown]
# In the starter every attempt worked, and grace's PATCH and DELETE really changed ada's data.
# In the solution, grace learns nothing: ada's task answers exactly like an id that does not
# exist, and the admin route says she is not allowed.
