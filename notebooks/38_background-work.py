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
# # Lesson 38 · Work after the answer: background tasks and jobs
#
# httpx's `ASGITransport` hands back a response only when the app's call has ended, which
# would hide the whole point of this lesson: with `BackgroundTasks` the answer leaves *before*
# the call ends. So this notebook drives the apps with the checks' own small ASGI driver,
# which notes the moment the last byte of the answer is sent, and the moment the call ends.
#
# The apps run with their own default mailer and report builder, slowed down through the
# settings (`APP_MAIL_SECONDS`, `APP_REPORT_SECONDS`). Durations are printed as verdicts
# against generous thresholds.

# %%
import asyncio
import contextlib
import importlib.util
import logging
import time

from workbook.harness import run_lifespan
from workbook.loader import import_learner_module, target_on_path
from workbook.notebook_app import environment, lesson
from workbook.targets import pristine_target, solution_target

LESSON = lesson("38")
spec = importlib.util.spec_from_file_location("checks_38", LESSON.checks_file)
checks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checks)

SLOW = {"APP_MAIL_SECONDS": "0.4", "APP_REPORT_SECONDS": "0.4"}
TASK = {"title": "Write the release notes", "project_id": 7, "assignee_email": "ada@example.com"}


@contextlib.asynccontextmanager
async def driven(which, **collaborators):
    target = pristine_target(LESSON) if which == "starter" else solution_target(LESSON)
    with target_on_path(target.root), environment(SLOW):
        main = import_learner_module(target.root, "app.main")
        app = main.create_app(**collaborators)
        state = {}
        async with run_lifespan(app, state):
            yield checks.Driver(app, state)


async def timed(driver, method, path, body=None):
    """Seconds until the answer was sent, and until the request's call ended."""
    started = time.perf_counter()
    exchange = driver.start(method, path, body)
    await exchange.answered.wait()
    answered = time.perf_counter() - started
    await exchange.call
    return exchange.response(), answered, time.perf_counter() - started


# %% [markdown]
# ## Rule 38.1: is the 201 sent before the mail?
#
# The mailer takes 0.4 s. An answer that waits for it takes at least that long; an answer
# sent first takes a small fraction of it, and the request's call ends when the mail is sent.

# %%
for which in ("starter", "solution"):
    async with driven(which) as driver:
        await timed(driver, "POST", "/tasks", TASK)  # warm up
        response, answered, ended = await timed(driver, "POST", "/tasks", TASK)
    print(f"{which:>8}: {response.status_code}; answered in under a quarter of the mail's time: "
          f"{answered < 0.1}; call ended after the mail: {ended >= 0.4}")

# %% [markdown]
# ## Rule 38.2: a report is a job
#
# The starter makes the client wait for the whole report; the solution answers `202` at once
# and the client polls the job at `Location`.

# %%
for which in ("starter", "solution"):
    async with driven(which) as driver:
        response, answered, _ = await timed(driver, "POST", "/projects/7/reports")
        location = response.headers.get("location")
        statuses = []
        if location:
            while not statuses or statuses[-1] == "pending":
                job = await driver.request("GET", location)
                status = job.json()["status"]
                if not statuses or statuses[-1] != status:
                    statuses.append(status)
                await asyncio.sleep(0.05)
    print(f"{which:>8}: {response.status_code}, Location: {location}, answered before the "
          f"report was built: {answered < 0.1}, job statuses seen: {' -> '.join(statuses) or '-'}")

# %% [markdown]
# ## Rule 38.3: a failing job
#
# A report builder that raises: the solution's job reads `failed`, and the log has the
# traceback under the job's id.


# %%
class BrokenWarehouse:
    async def build(self, project_id):
        raise ConnectionError("the reporting warehouse refused the connection")


records = []
handler = logging.Handler()
handler.emit = records.append
logging.getLogger().addHandler(handler)
try:
    async with driven("solution", report_builder=BrokenWarehouse()) as driver:
        response = await driver.request("POST", "/projects/7/reports")
        await asyncio.sleep(0.05)
        job = (await driver.request("GET", response.headers["location"])).json()
finally:
    logging.getLogger().removeHandler(handler)
print("job:", job)
for record in records:
    if record.levelno >= logging.ERROR:
        print(record.levelname, record.getMessage(), "| traceback:", record.exc_info is not None)
