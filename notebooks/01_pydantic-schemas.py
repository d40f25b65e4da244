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
# # Lesson 01 · Validate at the boundary
#
# The same request sent to the starter and to the solution.

# %%
from workbook.notebook import open_app

bad_user = {"email": "ada-at-example", "name": "Ada", "password": "x", "is_admin": True}
for which in ("starter", "solution"):
    async with open_app("01", which) as client:
        response = await client.post("/users", json=bad_user)
    print(f"{which:>8}: {response.status_code}")
