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
# # Evidence · pinned versions, or `*`?
#
# One seed lists every dependency as `*`; another pins them. FastAPI is pre-1.0 and changes
# behaviour in minor releases, so an unpinned install is a different API from one day to the
# next. This notebook shows that the kit runs exactly what its lock file says, and two
# behaviours that a minor FastAPI release changed.

# %%
import re
import warnings
from importlib.metadata import version

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from workbook.lessons import find_kit_root

# The package declares compatible ranges (so a team can install it beside its own FastAPI);
# the kit's own environment is installed from the hash-pinned lock, exactly.
lock = (find_kit_root() / "requirements" / "main.lock").read_text(encoding="utf-8")
pins = dict(re.findall(r"^([a-z0-9_.-]+)==([^\s;\\]+)", lock, re.MULTILINE))
for name in ("fastapi", "starlette", "pydantic"):
    print(f"{name:<10} pinned with == in the lock: {name in pins}   installed as pinned: "
          f"{version(name) == pins.get(name)}")

# %% [markdown]
# ## A JSON body sent without a JSON content type
#
# Since FastAPI 0.132 `strict_content_type` is on by default: a body labelled `text/plain` is
# no longer parsed as JSON. A client that relied on the old leniency breaks on upgrade.

# %%
class TaskCreate(BaseModel):
    title: str


app = FastAPI()


@app.post("/tasks")
async def create_task(payload: TaskCreate) -> TaskCreate:
    return payload


transport = httpx.ASGITransport(app=app)
async with httpx.AsyncClient(transport=transport, base_url="http://evidence") as client:
    for content_type in ("application/json", "text/plain"):
        response = await client.post(
            "/tasks", content=b'{"title": "Pin it"}', headers={"content-type": content_type}
        )
        print(f"body sent as {content_type:<17} -> {response.status_code}")

# %% [markdown]
# ## `on_event` start-up hooks
#
# Still accepted, but deprecated in favour of `lifespan`: each use warns, and a later release
# may drop it.

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    legacy = FastAPI()
    legacy.on_event("startup")(lambda: None)
print("on_event warns:", sorted({w.category.__name__ for w in caught}))
