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
# The starter takes a plain `dict`; the solution takes `UserCreate`, `UserUpdate` and returns
# `UserRead`. Each cell sends the same requests to both, served in-process with their
# lifespan running, and prints only what does not change from run to run.

# %%
from workbook.notebook_app import open_app

VALID = {"email": "ada@example.com", "name": "Ada", "password": "violet-harbour-lamp-42"}
BAD_INPUTS = {
    "missing password": {"email": "ada@example.com", "name": "Ada"},
    "malformed e-mail": {**VALID, "email": "ada-at-example"},
    "short password": {**VALID, "password": "hunter2"},
    "name is a number": {**VALID, "name": 12345},
    "unknown field is_admin": {**VALID, "is_admin": True},
    "password holds the e-mail name": {**VALID, "password": "ada-is-my-password-1"},
}


def fields_named(response):
    """The fields a 422 body points at (FastAPI's `detail[].loc`)."""
    if response.status_code != 422:
        return "-"
    locations = {".".join(map(str, e["loc"][1:])) for e in response.json()["detail"]}
    return ", ".join(sorted(location or "(the whole body)" for location in locations))


# %% [markdown]
# ## Rules 01.2 to 01.4: bad input never reaches the handler
#
# The starter stores whatever arrives or fails with a `500`; the solution answers `422` and
# names the field at fault.

# %%
results = {}
for which in ("starter", "solution"):
    async with open_app("01", which) as client:
        results[which] = {
            case: await client.post("/users", json=body) for case, body in BAD_INPUTS.items()
        }

print(f"{'request':<32} {'starter':>8} {'solution':>9}  field named")
for case in BAD_INPUTS:
    starter, solution = results["starter"][case], results["solution"][case]
    print(
        f"{case:<32} {starter.status_code:>8} {solution.status_code:>9}  {fields_named(solution)}"
    )

# %% [markdown]
# ## Rule 01.5: the response shows only what the read schema declares

# %%
for which in ("starter", "solution"):
    async with open_app("01", which) as client:
        created = await client.post("/users", json=VALID)
        read = await client.get(f"/users/{created.json()['id']}")
    print(f"{which:>8}: {sorted(read.json())}")

# %% [markdown]
# ## Rule 01.6: the constraints reach `/openapi.json`
#
# What the OpenAPI document tells a client about the body of `POST /users`.

# %%
def create_body_schema(document):
    body = document["paths"]["/users"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


for which in ("starter", "solution"):
    async with open_app("01", which) as client:
        schema = create_body_schema((await client.get("/openapi.json")).json())
    properties = schema.get("properties", {})
    print(f"{which}:")
    print(f"  e-mail format:         {properties.get('email', {}).get('format')}")
    print(f"  password minLength:    {properties.get('password', {}).get('minLength')}")
    print(f"  name maxLength:        {properties.get('name', {}).get('maxLength')}")
    print(f"  additionalProperties:  {schema.get('additionalProperties')}")
