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
# # Lesson 05 · Configure with pydantic-settings
#
# First, both apps are started without `APP_SIGNING_KEY`. The starter falls back to the key
# written in its source and serves; the solution refuses to start and says what is missing.

# %%
import logging
import os

from workbook.harness import StartupFailed
from workbook.notebook_app import open_app

for name in [name for name in os.environ if name.startswith("APP_")]:
    del os.environ[name]  # start from a clean configuration


def pydantic_error(error):
    """The validation error at the end of a start-up traceback, without the doc links."""
    lines = [line for line in str(error).splitlines() if "errors.pydantic.dev" not in line]
    start = max(i for i, line in enumerate(lines) if "validation error" in line)
    return "\n".join(lines[start:])


for which in ("starter", "solution"):
    try:
        async with open_app("05", which) as client:
            status = (await client.get("/openapi.json")).status_code
        print(f"{which:>8}: started without a signing key and answered {status}")
    except StartupFailed as error:
        print(f"{which:>8}: refused to start\n{pydantic_error(error)}")

# %% [markdown]
# Now with a key. Both log their configuration when they start; only one of them prints the
# key. The solution logs its settings object, where a `SecretStr` shows as stars.

# %%
KEY = "notebook-demo-signing-key-0123456789abcdef"


class Keep(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


for which in ("starter", "solution"):
    keep, app_logger = Keep(), logging.getLogger("app")
    app_logger.addHandler(keep)
    app_logger.setLevel(logging.INFO)
    async with open_app("05", which, env={"APP_SIGNING_KEY": KEY}) as client:
        await client.get("/openapi.json")
    app_logger.removeHandler(keep)
    print(f"{which:>8}: {keep.lines[0]}")
    print(f"{'':>8}  key in the logs: {any(KEY in line for line in keep.lines)}")
