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
# # Lesson 44 · Contract tests generated from the OpenAPI document
#
# Schemathesis reads `/openapi.json`, generates requests for every operation from a fixed
# seed, and judges each answer against the same document. The same run on the starter and on
# the solution: which operations fail, and how.

# %%
import logging
import tempfile

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.internal.conjecture import providers
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from workbook.notebook_app import open_app

# The starter's 500s log a traceback; it belongs in the service's log, not on this page.
logging.getLogger("app").addHandler(logging.NullHandler())
logging.getLogger("app").propagate = False

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 8}


# Hypothesis keeps a cache in ./.hypothesis: keep it out of the notebooks folder.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="hypothesis-"))
# Hypothesis also draws values from literals in whatever local modules are loaded, which
# differ between processes; switched off, the same seed sends the same requests everywhere.
providers._get_local_constants = lambda: providers.Constants()
providers.CONSTANTS_CACHE.cache.clear()


def generated_cases(document):
    schema = schemathesis.openapi.from_dict(document)
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, count in EXAMPLES.items():
            cases = []

            @seed(44)
            @settings(max_examples=count, database=None, deadline=None,
                      phases=[Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def collect(case):
                cases.append(case)  # noqa: B023 - collect() runs before the loop moves on

            collect()
            yield from cases


async def contract_run(client):
    document = (await client.get("/openapi.json")).json()
    sent, failures = 0, {}
    for case in generated_cases(document):
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        body = {"json": kwargs["json"]} if "json" in kwargs else {"content": kwargs.get("data")}
        response = await client.request(kwargs["method"], kwargs["url"],
                                        params=kwargs.get("params"), **body)
        sent += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                key = f"{case.method} {case.path}: {failure.title}"
                failures[key] = failures.get(key, 0) + 1
    return sent, failures


for which in ("starter", "solution"):
    async with open_app("44", which) as client:
        sent, failures = await contract_run(client)
    print(f"{which}: {sent} requests, {sum(failures.values())} failing answers")
    for key, count in sorted(failures.items()):
        print(f"  {key} (x{count})")

# %% [markdown]
# The same seed gives the same requests on every run: the run is a regression test, not a
# lottery. The smallest failing request for each starter bug, found by hand from the report:

# %%
async with open_app("44", "starter") as client:
    await client.post("/tasks", json={"title": "Ship it"})
    zero = await client.get("/tasks", params={"per_page": 0})
    page = await client.get("/tasks")
print("per_page=0 ->", zero.status_code)
print("list item keys ->", sorted(page.json()["items"][0]))
async with open_app("44", "solution") as client:
    await client.post("/tasks", json={"title": "Ship it"})
    zero = await client.get("/tasks", params={"per_page": 0})
    page = await client.get("/tasks")
print("solution per_page=0 ->", zero.status_code)
print("solution list item keys ->", sorted(page.json()["items"][0]))
