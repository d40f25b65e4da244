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
# # Lesson 08 · Handle errors with exceptions, handlers and a safe catch-all
#
# The same requests sent to the starter and to the solution. First, the failures a client
# causes: each should have its own status code, not a `200` with an `"error"` inside. The last
# row reads task 2 after the refused assignment: the starter wrote before it checked.

# %%
import logging

from workbook.notebook_app import open_app

WAREHOUSE = {"APP_WAREHOUSE_URL": "postgresql://reports:s3cret-pass@warehouse.internal/reports"}


async def client_errors(client):
    await client.post("/tasks", json={"title": "Ship it"})
    await client.post("/tasks", json={"title": "Write the notes"})
    await client.post("/tasks/1/complete")
    return {
        "missing task": await client.get("/tasks/999"),
        "completed twice": await client.post("/tasks/1/complete"),
        "stranger assigned": await client.put("/tasks/2/assignee", json={"user_id": 99}),
        "contradicting filters": await client.get("/tasks?assignee_id=1&unassigned=true"),
    }


answers, assignee_after = {}, {}
for which in ("starter", "solution"):
    async with open_app("08", which, env=WAREHOUSE) as client:
        answers[which] = await client_errors(client)
        assignee_after[which] = (await client.get("/tasks/2")).json()["assignee_id"]

print(f"{'request':<22} {'starter':>8} {'solution':>9}")
for request, response in answers["solution"].items():
    print(f"{request:<22} {answers['starter'][request].status_code:>8} {response.status_code:>9}")
before, after = assignee_after["starter"], assignee_after["solution"]
print(f"{'task 2 assignee after':<22} {before!s:>8} {after!s:>9}")

# %% [markdown]
# Then a failure nobody anticipated: the report's warehouse is down. What does the client see,
# and what does the log keep?

# %%
class Keep(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def describe(which, response, kept):
    errors = [record for record in kept.records if record.levelno >= logging.ERROR]
    print(f"{which}: status {response.status_code}")
    print("  password in the body:  ", "s3cret-pass" in response.text)
    print("  SQL in the body:       ", "SELECT" in response.text)
    print("  traceback in the body: ", "Traceback" in response.text)
    print("  ERROR records logged:  ", len(errors))
    for record in errors:
        print("  logged:", record.getMessage())
        print("  with the exception:", type(record.exc_info[1]).__name__)


app_logger = logging.getLogger("app")
app_logger.propagate = False  # keep the tracebacks off this page: `Keep` holds them
outcomes = {}
for which in ("starter", "solution"):
    kept = Keep()
    app_logger.addHandler(kept)
    async with open_app("08", which, env=WAREHOUSE) as client:
        response = await client.get("/reports/overdue", headers={"X-Request-ID": "demo-42"})
    app_logger.removeHandler(kept)
    outcomes[which] = (response, kept)

for which, (response, kept) in outcomes.items():
    describe(which, response, kept)
print("solution body:", outcomes["solution"][0].json())
