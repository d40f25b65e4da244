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
# # Lesson 04 · Own resources in the lifespan
#
# Both apps create 20 tasks; each create asks the people directory (an upstream HTTP service)
# for the assignee's name. Here the directory is a fake served in-process: every
# `httpx.AsyncClient` the app creates is routed to it, and counted.

# %%
import contextlib
import warnings

import httpx

from workbook.notebook_app import open_app


@contextlib.contextmanager
def counted_clients():
    """Route the app's httpx clients to a fake directory and keep every one it creates."""
    made, original = [], httpx.AsyncClient

    def directory(request):
        login = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(200, json={"login": login, "name": login.title()})

    class Counted(original):
        def __init__(self, *args, **kwargs):
            if isinstance(kwargs.get("transport"), httpx.ASGITransport):
                super().__init__(*args, **kwargs)  # the notebook's own client
                return
            super().__init__(*args, **{**kwargs, "transport": httpx.MockTransport(directory)})
            made.append(self)

    httpx.AsyncClient = Counted
    try:
        yield made
    finally:
        httpx.AsyncClient = original


# %%
for which in ("starter", "solution"):
    with counted_clients() as made, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with open_app("04", which) as client:
            for number in range(20):
                await client.post("/tasks", json={"title": f"Task {number}", "assignee": "ada"})
            during = len(made)
        still_open = sum(not c.is_closed for c in made)
    warned = any(issubclass(w.category, DeprecationWarning) for w in caught)
    clients = f"{during} client" + ("s" if during != 1 else "")
    print(
        f"{which:>8}: {clients:>10} for 20 requests, {still_open:2} left open after shutdown, "
        f"DeprecationWarning: {warned}"
    )

# %% [markdown]
# The starter pays for a new connection pool on every request and leaks each one; its
# `@app.on_event` handlers warn at import. The solution's lifespan opens one client before the
# first request and closes it after the last.
