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
# # Lesson 31 · Metrics: counters and latency histograms with bounded labels
#
# A scraper keeps one time series per distinct set of label values. Read 200 different
# tasks and let a scanner try 20 paths, then count the series each app exposes, as parsed by
# `prometheus_client`'s own parser.

# %%
from prometheus_client.parser import text_string_to_metric_families

from workbook.notebook_app import open_app

SCANNER = ["/wp-login.php", "/.env", "/admin", "/.git/config", "/xmlrpc.php", "/console",
           "/owa/auth", "/hudson", "/server-status", "/phpmyadmin/index.php", "/cgi-bin/luci",
           "/solr/admin/info", "/actuator/health", "/vendor/phpunit", "/api/jsonws",
           "/boaform/admin", "/manager/html", "/druid/index.html", "/telescope/requests",
           "/debug/default/view"]


async def traffic(client, reads):
    for number in range(reads):
        await client.post("/tasks", json={"title": f"task {number}"})
    for task_id in range(1, reads + 1):
        await client.get(f"/tasks/{task_id}")
    for path in SCANNER:
        await client.get(path)
    families = list(text_string_to_metric_families((await client.get("/metrics")).text))
    return {
        family.type: sum(1 for s in family.samples if not s.name.endswith("_created"))
        for family in families
        if family.type in ("counter", "histogram", "summary")
    }


print(f"{'tasks read':>10} {'app':>9} {'counter series':>15} {'latency samples':>16}")
for reads in (50, 200):
    for which in ("starter", "solution"):
        async with open_app("31", which) as client:
            series = await traffic(client, reads)
        latency = series.get("histogram", series.get("summary", 0))
        print(f"{reads:>10} {which:>9} {series['counter']:>15} {latency:>16}")

# %% [markdown]
# The starter's series grow with the data (one per task read, one per scanner path); the
# solution's stay the same whatever the traffic. The solution's latency is a histogram: its
# buckets answer "what share of reads took under 25 ms?" and add up across instances.

# %%
async with open_app("31", "solution") as client:
    for _ in range(3):
        await client.post("/tasks", json={"title": "x"})
    for _ in range(40):
        await client.get("/tasks/1")
    text = (await client.get("/metrics")).text
for family in text_string_to_metric_families(text):
    if family.type != "histogram":
        continue
    buckets = [s for s in family.samples
               if s.name.endswith("_bucket") and s.labels["route"] == "/tasks/{task_id}"]
    print("route /tasks/{task_id}: buckets", len(buckets), "| count", int(buckets[-1].value))
    print("bounds:", ", ".join(s.labels["le"] for s in buckets))
    under_10s = next(s.value for s in buckets if s.labels["le"] == "10.0")
    print("share under 10 s:", under_10s / buckets[-1].value)
