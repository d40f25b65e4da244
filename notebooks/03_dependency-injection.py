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
# # Lesson 03 · Dependency injection
#
# The starter opens a connection in each handler and closes it on the handler's last line.
# Ask both apps for 20 tasks that do not exist (twenty 404s), then for their open connections.

# %%
from workbook.notebook_app import open_app

for which in ("starter", "solution"):
    async with open_app("03", which) as client:
        statuses = {(await client.get(f"/tasks/{1000 + n}")).status_code for n in range(20)}
        health = (await client.get("/health")).json()
    print(f"{which:>8}: answers {sorted(statuses)}, open connections afterwards: "
          f"{health['open_connections']}")

# %% [markdown]
# When does the code after `yield` run? A tiny app records the order of events on the
# installed FastAPI: the handler, the cleanup of its `yield` dependency, and the moment the
# response body is sent.

# %%
from collections.abc import Iterator
from typing import Annotated

import fastapi
import httpx
from fastapi import Depends, FastAPI, HTTPException

events: list[str] = []


def resource() -> Iterator[str]:
    try:
        yield "connection"
    finally:
        events.append("cleanup")


demo = FastAPI()


@demo.get("/ok")
def ok(value: Annotated[str, Depends(resource)]) -> str:
    events.append("handler")
    return value


@demo.get("/ok-function-scope")
def ok_function_scope(value: Annotated[str, Depends(resource, scope="function")]) -> str:
    events.append("handler")
    return value


@demo.get("/fails")
def fails(value: Annotated[str, Depends(resource)]) -> str:
    events.append("handler raises")
    raise HTTPException(status_code=404)


async def recording(scope, receive, send):
    async def sending(message):
        if message["type"] == "http.response.body":
            events.append("response sent")
        await send(message)

    await demo(scope, receive, sending)


print(f"FastAPI {fastapi.__version__}")
transport = httpx.ASGITransport(app=recording)
async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
    for path in ("/ok", "/ok-function-scope", "/fails"):
        events.clear()
        status = (await client.get(path)).status_code
        print(f"{path:<19} {status}: {' -> '.join(events)}")
