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
# # Lesson 24 · Allow cross-origin calls from a list, never from everyone
#
# We play the browser: for pages on several origins, we send the preflight a browser sends
# before `DELETE /tasks/1` with the user's cookies, and read what each service allows. A page
# may go ahead only when `Access-Control-Allow-Origin` names its origin.

# %%
from workbook.notebook_app import open_app

ENV = {"APP_CORS_ORIGINS": '["https://app.example.com"]'}
ORIGINS = [
    "https://app.example.com",
    "https://attacker.invalid",
    "https://app.example.com.attacker.invalid",
    "http://app.example.com",
    "null",
]

verdicts: dict[str, dict[str, str]] = {}
for which in ("starter", "solution"):
    async with open_app("24", which, env=ENV) as client:
        for origin in ORIGINS:
            response = await client.options("/tasks/1", headers={
                "Origin": origin,
                "Access-Control-Request-Method": "DELETE",
                "Access-Control-Request-Headers": "content-type",
            })
            allowed = response.headers.get("access-control-allow-origin")
            with_cookies = response.headers.get("access-control-allow-credentials") == "true"
            verdict = "blocked" if allowed is None else (
                "allowed + cookies" if with_cookies else "allowed"
            )
            verdicts.setdefault(origin, {})[which] = verdict

print(f"{'page origin':<44} {'starter':<19} solution")
for origin, verdict in verdicts.items():
    print(f"{origin:<44} {verdict['starter']:<19} {verdict['solution']}")

# %% [markdown]
# `allow_origins=["*"]` with credentials did not mean "anyone, without cookies": Starlette
# echoed every origin back, so each of those pages could delete the user's tasks and read
# the answer. The solution allows the one origin it was configured with.
#
# ## Methods and headers
#
# From the allowed origin, a page asks to use a method the API does not have, and a header
# the API does not read.

# %%
for which in ("starter", "solution"):
    async with open_app("24", which, env=ENV) as client:
        put = await client.options("/tasks/1", headers={
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT"})
        header = await client.options("/tasks", headers={
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-forwarded-for"})
    print(f"{which:>8}: PUT preflight {put.status_code}, "
          f"X-Forwarded-For preflight {header.status_code}")

# %% [markdown]
# ## A wildcard in the settings stops the service
#
# The origins come from `APP_CORS_ORIGINS`; the solution's settings refuse `*` at start-up.

# %%
try:
    async with open_app("24", "solution", env={"APP_CORS_ORIGINS": '["*"]'}) as client:
        print("started")
except Exception as error:  # noqa: BLE001 - shown, whatever it is
    print(f"{type(error).__name__}; names the wildcard: {'is not an exact origin' in str(error)}")
