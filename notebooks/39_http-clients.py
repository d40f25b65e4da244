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
# # Lesson 39 · Call other services with one client, retries and a circuit breaker
#
# Both apps talk to a fake people directory: an `httpx.MockTransport` that keeps its own log
# of the calls it receives and fails on cue (the checks' fake). Time is fake as well: the
# apps get a clock we move by hand and a sleep that only records how long it was asked to
# wait, so nothing here waits for a backoff or a cool-down.

# %%
import contextlib
import importlib.util
import itertools
import logging
import statistics
from collections import Counter

import httpx

from workbook.harness import serve
from workbook.loader import import_learner_module, target_on_path
from workbook.notebook_app import environment, lesson
from workbook.targets import pristine_target, solution_target

LESSON = lesson("39")
spec = importlib.util.spec_from_file_location("checks_39", LESSON.checks_file)
checks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checks)
REMINDER = {"login": "ada", "text": "The release notes are due"}
logging.getLogger("app").setLevel(logging.ERROR)  # the solution logs each retry's random wait


@contextlib.asynccontextmanager
async def service(which, directory, **settings):
    target = pristine_target(LESSON) if which == "starter" else solution_target(LESSON)
    env = {"APP_DIRECTORY_URL": "http://directory.test", **settings}
    fake_time = checks.FakeTime()
    with target_on_path(target.root), environment(env), checks.watched_clients() as watch:
        main = import_learner_module(target.root, "app.main")
        app = main.create_app(transport=httpx.MockTransport(directory.handle),
                              clock=fake_time.clock, sleep=fake_time.sleep)
        async with serve(app) as client:
            yield client, fake_time, watch


# %% [markdown]
# ## Rule 39.1: how many clients does it take to make six calls?

# %%
for which in ("starter", "solution"):
    async with service(which, checks.Directory()) as (client, _, watch):
        for _ in range(3):
            await client.get("/assignees/ada")
            await client.post("/reminders", json=REMINDER)
    timeouts = {repr(arguments.get("timeout", "httpx default")) for arguments in watch.arguments}
    print(f"{which:>8}: {len(watch.clients)} client(s); timeout given: {', '.join(timeouts)}")

# %% [markdown]
# ## Rule 39.2: which calls are repeated, and how long are the waits?
#
# A POST to a directory that answers `503`, then a GET that fails twice before it succeeds.

# %%
for which in ("starter", "solution"):
    failing_post = checks.Directory(script=[503] * 3)
    async with service(which, failing_post, APP_BREAKER_THRESHOLD="100") as (client, _, _):
        posted = await client.post("/reminders", json=REMINDER)
    flaky_get = checks.Directory(script=[503, 503])
    async with service(which, flaky_get, APP_BREAKER_THRESHOLD="100") as (client, time, _):
        got = await client.get("/assignees/ada")
    print(f"{which:>8}: failing POST sent {failing_post.count('POST')} time(s), answered "
          f"{posted.status_code}; GET after two failures: {got.status_code} after "
          f"{flaky_get.count('GET')} calls")

# %% [markdown]
# Over 200 GETs that each fail four times: do the waits double from retry to retry, and do
# they vary from call to call (jitter)?

# %%
for which in ("starter", "solution"):
    directory = checks.Directory(failures_per_login=4)
    settings = {"APP_DIRECTORY_ATTEMPTS": "5", "APP_BREAKER_THRESHOLD": "10000",
                "APP_DIRECTORY_BACKOFF_MAX_SECONDS": "1000"}
    waits = []
    async with service(which, directory, **settings) as (client, time, _):
        for number in range(200):
            time.sleeps.clear()
            response = await client.get(f"/assignees/p{number}")
            waits.append(list(time.sleeps))
    answered = Counter(len(each) for each in waits)
    full = [each for each in waits if len(each) == 4]
    if full:
        means = [statistics.fmean(retry) for retry in zip(*full, strict=True)]
        doubling = all(later >= 1.5 * earlier for earlier, later in itertools.pairwise(means))
        varying = len({round(each[0], 9) for each in full}) > 100
        print(f"{which:>8}: waits double: {doubling}; waits vary: {varying}")
    else:
        print(f"{which:>8}: never got through 4 retries (waits per call: {dict(answered)})")

# %% [markdown]
# ## Rule 39.3: 20 requests while the directory is down
#
# How many calls reach the directory, and what do this service's clients get?

# %%
for which in ("starter", "solution"):
    directory = checks.Directory(script=[503] * 1000)
    async with service(which, directory, APP_BREAKER_THRESHOLD="5") as (client, time, _):
        statuses = Counter()
        for _ in range(20):
            statuses[(await client.get("/assignees/ada")).status_code] += 1
        time.now += 31  # past the cool-down: one trial call goes out
        directory.script.clear()
        recovered = await client.get("/assignees/ada")
    print(f"{which:>8}: directory calls {len(directory.calls)}, answers {dict(statuses)}; "
          f"after the cool-down: {recovered.status_code}")

# %% [markdown]
# ## Rule 39.4: what does the client of this service see?

# %%
for which in ("starter", "solution"):
    answers = {}
    for outcome in ("timeout", 503, "unreachable"):
        directory = checks.Directory(script=[outcome] * 3)
        async with service(which, directory) as (client, _, _):
            response = await client.post("/reminders", json=REMINDER)
        answers[outcome] = f"{response.status_code} {response.headers['content-type']}"
    print(f"{which:>8}: {answers}")
