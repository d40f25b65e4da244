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
# # Lesson 25 · Security headers on every response
#
# Every kind of answer the service gives, sent to the starter and to the solution: which of
# the four security headers come back, and whether an HTML page carries a
# Content-Security-Policy. Error answers matter as much as successes: an attacker picks the
# page without the headers.

# %%
import logging

from workbook.notebook_app import open_app

# The 500's traceback belongs in the service's log, not on this page.
logging.getLogger("app").addHandler(logging.NullHandler())
logging.getLogger("app").propagate = False

HEADERS = ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
           "Strict-Transport-Security")


async def every_kind_of_answer(client):
    await client.post("/tasks", json={"title": "Ship it"})
    return {
        "200 list": await client.get("/tasks"),
        "200 HTML board": await client.get("/board"),
        "404 unknown path": await client.get("/no-such-page"),
        "405 wrong method": await client.delete("/tasks"),
        "413 oversized": await client.post("/tasks", json={"title": "x" * 100_000}),
        "422 not JSON": await client.post(
            "/tasks", content=b"{", headers={"Content-Type": "application/json"}
        ),
        "500 catch-all": await client.get("/reports/overdue"),
    }


answers = {}
for which in ("starter", "solution"):
    async with open_app("25", which) as client:
        answers[which] = await every_kind_of_answer(client)

for which, responses in answers.items():
    print(which)
    for kind, response in responses.items():
        present = sum(bool(response.headers.get(name)) for name in HEADERS)
        print(f"  {kind:<18} {response.status_code}  {present} of 4 headers")

# %% [markdown]
# The solution's headers, as a browser receives them with the board:

# %%
board = answers["solution"]["200 HTML board"]
for name in (*HEADERS, "Content-Security-Policy"):
    print(f"{name}: {board.headers.get(name)}")

# %% [markdown]
# Only HTML gets the policy; a JSON answer is not rendered, so it does not need one.

# %%
for which, responses in answers.items():
    for kind in ("200 list", "200 HTML board"):
        policy = responses[kind].headers.get("Content-Security-Policy")
        print(f"{which:<9} {kind:<15} CSP: {'yes' if policy else 'no'}")

# %% [markdown]
# Why the middleware must wrap the whole stack: the same middleware installed with
# `add_middleware()` misses the answers that ServerErrorMiddleware (500) and FastAPI's body
# limit (413) send from outside it. Here is the order FastAPI builds, outermost first:

# %%
from workbook.loader import import_learner_module, target_on_path
from workbook.notebook_app import lesson
from workbook.targets import solution_target

root = solution_target(lesson("25")).root
with target_on_path(root):
    layer = import_learner_module(root, "app.main").app.build_middleware_stack()
while not type(layer).__name__.endswith("Router"):
    print(type(layer).__name__)
    layer = layer.app
print(type(layer).__name__)
