"""Checks for lesson 31: Prometheus metrics with bounded labels, one registry per app.

`/metrics` is read as a scraper reads it: parsed with `prometheus_client`'s own parser
(`text_string_to_metric_families`). The request counter is any counter whose samples carry a
method, a route and a status label; the latency histogram is any histogram whose samples
carry a method and a route label (common label spellings are accepted). Counts are compared
with the requests the check sent, exactly.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from workbook.harness import Check, check, expect, expect_status, json_body

LABELS: dict[str, tuple[str, ...]] = {
    "method": ("method", "http_method", "http_request_method"),
    "route": ("route", "http_route", "handler", "path_template", "endpoint", "path"),
    "status": ("status", "status_code", "code", "http_status", "http_response_status_code"),
}
ITEM_ROUTE = "/tasks/{task_id}"
DISTINCT_IDS = 100
# Unknown paths a scanner sends: words, not numbers, so no digit-stripping rule folds them.
UNKNOWN_PATHS = (
    "/wp-login.php", "/.env", "/admin", "/phpmyadmin/index.php", "/.git/config",
    "/cgi-bin/luci", "/owa/auth", "/solr/admin/info", "/actuator/health", "/vendor/phpunit",
    "/xmlrpc.php", "/api/jsonws", "/boaform/admin", "/hudson", "/console",
    "/manager/html", "/druid/index.html", "/telescope/requests", "/debug/default/view",
    "/server-status",
)


@dataclass
class Series:
    name: str
    labels: dict[str, str]
    value: float


@dataclass
class Exposition:
    """What GET /metrics answered, parsed."""

    response: httpx.Response
    families: list[Any]

    def samples(self, kind: str, suffix: str) -> list[Series]:
        return [
            Series(sample.name, dict(sample.labels), sample.value)
            for family in self.families
            if family.type == kind
            for sample in family.samples
            if isinstance(sample, Sample) and sample.name.endswith(suffix)
        ]

    def counter(self) -> list[Series]:
        """The request counter's samples: a counter labelled by method, route and status."""
        return [s for s in self.samples("counter", "_total")
                if all(label(s, part) is not None for part in ("method", "route", "status"))]

    def histogram(self, suffix: str) -> list[Series]:
        """The latency histogram's samples (`_bucket`, `_count`, `_sum`) by method and route."""
        return [s for s in self.samples("histogram", suffix)
                if all(label(s, part) is not None for part in ("method", "route"))]


def label(series: Series, part: str) -> str | None:
    for name in LABELS[part]:
        if name in series.labels:
            return series.labels[name]
    return None


async def scrape(client: httpx.AsyncClient) -> Exposition:
    # A mounted `make_asgi_app()` redirects /metrics to /metrics/; scrapers follow that.
    response = await client.get("/metrics", follow_redirects=True)
    expect_status(response, 200, because="/metrics serves the app's metrics")
    try:
        families = list(text_string_to_metric_families(response.text))
    except (ValueError, TypeError, IndexError) as error:
        expect(False, expected="an exposition prometheus_client's parser reads",
               got=f"the parser failed: {error}", response=response)
        raise
    return Exposition(response, families)


def show(series: list[Series], limit: int = 12) -> str:
    if not series:
        return "(no such series)"
    lines = [f"{s.name}{{{', '.join(f'{k}={v!r}' for k, v in sorted(s.labels.items()))}}} "
             f"{s.value:g}" for s in series[:limit]]
    more = f"\n… ({len(series) - limit} more series)" if len(series) > limit else ""
    return "\n".join(lines) + more


def count_of(exposition: Exposition, method: str, route: str, status: int) -> float:
    return sum(s.value for s in exposition.counter()
               if label(s, "method") == method and label(s, "route") == route
               and label(s, "status") == str(status))


def require_counter(exposition: Exposition) -> list[Series]:
    counter = exposition.counter()
    expect(
        bool(counter),
        expected="a counter (http_requests_total) whose samples are labelled method, route "
        "and status",
        got="the counters served:\n" + show(exposition.samples("counter", "_total")),
        response=exposition.response,
    )
    return counter


async def create_tasks(client: httpx.AsyncClient, how_many: int) -> None:
    for number in range(how_many):
        response = await client.post("/tasks", json={"title": f"task {number}"})
        expect_status(response, 201, because="a valid task is created")


# --- 31.1 ----------------------------------------------------------------------


@check("31.1", baseline=True)
async def metrics_are_served_in_prometheus_format(ctx: Check) -> None:
    """GET /metrics answers 200 with a Prometheus text exposition the official parser reads."""
    async with ctx.client() as client:
        await client.get("/tasks")
        exposition = await scrape(client)
    content_type = exposition.response.headers.get("content-type", "")
    expect(
        content_type.startswith("text/plain") and exposition.families != [],
        expected="a text/plain exposition with at least one metric",
        got=f"content-type {content_type!r}, {len(exposition.families)} metric families",
        response=exposition.response,
    )


@check("31.1")
async def counts_match_the_requests(ctx: Check) -> None:
    """Requests are counted exactly, by method, route template and status, errors included."""
    async with ctx.client() as client:
        await create_tasks(client, 3)
        for _ in range(7):
            await client.get("/tasks")
        for _ in range(2):
            await client.get("/tasks/999")
        await client.get("/tasks/1")
        for _ in range(4):
            await client.post("/tasks", json={"title": 42})
        exposition = await scrape(client)
    counter = require_counter(exposition)
    expected = {
        ("POST", "/tasks", 201): 3,
        ("GET", "/tasks", 200): 7,
        ("GET", ITEM_ROUTE, 404): 2,
        ("GET", ITEM_ROUTE, 200): 1,
        ("POST", "/tasks", 422): 4,
    }
    for (method, route, status), sent in expected.items():
        counted = count_of(exposition, method, route, status)
        expect(
            counted == sent,
            expected=f"{method} {route} → {status} counted {sent} times "
            f"(method={method!r}, route={route!r}, status='{status}')",
            got=f"{counted:g}. The counter's series:\n" + show(counter, 16),
            response=exposition.response,
        )


@check("31.1")
async def latency_is_a_histogram_with_buckets(ctx: Check) -> None:
    """Latency is a histogram by method and route: buckets that add up, a count per request."""
    async with ctx.client() as client:
        await create_tasks(client, 1)
        for _ in range(5):
            await client.get("/tasks")
        exposition = await scrape(client)
    kinds = sorted({f"{family.name} ({family.type})" for family in exposition.families})
    buckets = [s for s in exposition.histogram("_bucket")
               if label(s, "method") == "GET" and label(s, "route") == "/tasks"]
    expect(
        len(buckets) >= 6,
        expected="a histogram (http_request_duration_seconds) labelled method and route, with "
        "at least 5 finite buckets for GET /tasks: a summary's quantiles cannot be added up "
        "across instances, buckets can",
        got="the metric families served: " + ", ".join(kinds),
        response=exposition.response,
    )
    bounds = sorted(buckets, key=lambda s: float(s.labels.get("le", "inf")))
    values = [s.value for s in bounds]
    counts = [s.value for s in exposition.histogram("_count")
              if label(s, "method") == "GET" and label(s, "route") == "/tasks"]
    expect(
        values == sorted(values) and counts == [5.0] and values[-1] == 5.0
        and bounds[-1].labels.get("le") == "+Inf",
        expected="cumulative buckets ending in le='+Inf' equal to the _count: 5 GET /tasks",
        got=show(bounds) + f"\n_count: {counts}",
        response=exposition.response,
    )


CRASH_MESSAGE = "the task store is on fire (a check's deliberate failure)"


def explode_for_the_check() -> None:
    """Overrides the task store dependency: every request that needs the store crashes."""
    raise RuntimeError(CRASH_MESSAGE)


@check("31.1")
async def a_crash_is_counted_as_a_500(ctx: Check) -> None:
    """A request whose handler raises is counted (status 500) and timed like any other.

    The middleware records in a `finally:`, with 500 as the status when none was sent."""
    get_task_store = ctx.attribute("app.tasks.dependencies", "get_task_store",
                                   required_by="31.1")
    app = ctx.app()
    overrides = getattr(app, "dependency_overrides", None)
    expect(isinstance(overrides, dict), expected="app.main.app to be a FastAPI app",
           got=repr(app))
    async with ctx.client(app) as client:
        listed = await client.get("/tasks")
        expect_status(listed, 200)
        overrides[get_task_store] = explode_for_the_check  # type: ignore[index]
        crashed = await client.get("/tasks")
        overrides.clear()  # type: ignore[union-attr]
        exposition = await scrape(client)
    expect_status(crashed, 500, because="the task store raised RuntimeError")
    counter = require_counter(exposition)
    counted = count_of(exposition, "GET", "/tasks", 500)
    timed = [s.value for s in exposition.histogram("_count")
             if label(s, "method") == "GET" and label(s, "route") == "/tasks"]
    expect(
        counted == 1 and timed == [2.0],
        expected="the crashed GET /tasks counted once with status='500' and timed in the "
        "histogram: the middleware records in a `finally:`, so a request that raised is "
        "counted too (the moment the service fails is when the 5xx share matters)",
        got=f"counted {counted:g}, histogram _count {timed}. The counter's series:\n"
        + show(counter, 16),
        response=exposition.response,
    )


@check("31.1")
async def durations_are_in_seconds(ctx: Check) -> None:
    """The histogram observes seconds, as its name says: its _sum fits in the time measured.

    The check times its own requests; the app's observations of them cannot add up to more."""
    async with ctx.client() as client:
        await client.get("/tasks")
        started = time.perf_counter()
        for _ in range(5):
            await client.get("/tasks")
        elapsed = time.perf_counter() - started
        exposition = await scrape(client)
    sums = [s.value for s in exposition.histogram("_sum")
            if label(s, "method") == "GET" and label(s, "route") == "/tasks"]
    counts = [s.value for s in exposition.histogram("_count")
              if label(s, "method") == "GET" and label(s, "route") == "/tasks"]
    # Six requests observed, five of them inside `elapsed`; the first one is bounded by the
    # same generous margin (it ran just before, on the same loop).
    bound = elapsed * 2 + 1.0
    expect(
        len(sums) == 1 and counts == [6.0] and 0 < sums[0] <= bound,
        expected="http_request_duration_seconds_sum for GET /tasks to be in seconds: the six "
        "requests cannot add up to more than twice the time the check measured for them, plus "
        "a second (milliseconds observed into a _seconds histogram put every request in the "
        "top buckets)",
        got=f"_count {counts}; _sum "
        + ("missing" if len(sums) != 1 else "0" if sums[0] <= 0
           else "above that bound" if sums[0] > bound else "within it"),
        response=exposition.response,
    )


@check("31.1", baseline=True)
async def each_app_has_its_own_registry(ctx: Check) -> None:
    """Two apps made by `create_app()` in one process count their own requests only."""
    create_app: Callable[[], Any] = ctx.attribute("app.main", "create_app", required_by="31.1")
    try:
        first, second = create_app(), create_app()
    except Exception as error:  # noqa: BLE001 - any failure here is the finding
        expect(False,
               expected="create_app() to make a second app in the same process (tests, "
               "reloads and workers all do)",
               got=f"{type(error).__name__}: {str(error).split(':')[0]}")
        return
    async with ctx.client(first) as client:
        for _ in range(3):
            await client.get("/tasks")
    async with ctx.client(second) as client:
        exposition = await scrape(client)
    counted = [s for s in exposition.samples("counter", "_total") if s.value > 0]
    leaked = [s for s in counted if "/tasks" in s.labels.values()]
    expect(
        not leaked,
        expected="a fresh app to show none of the first app's requests: each app creates its "
        "own CollectorRegistry (the default registry, or one at module level, is shared)",
        got="the second app's counters:\n" + show(leaked),
        response=exposition.response,
    )


# --- 31.2 ----------------------------------------------------------------------


@check("31.2")
async def distinct_ids_make_one_series(ctx: Check) -> None:
    """Reading 100 different tasks adds one series for the route, not one per id."""
    async with ctx.client() as client:
        await create_tasks(client, DISTINCT_IDS)
        await scrape(client)
        before = await scrape(client)  # the scrapes' own requests are counted by now
        for task_id in range(1, DISTINCT_IDS + 1):
            response = await client.get(f"/tasks/{task_id}")
            expect_status(response, 200)
            expect(json_body(response)["id"] == task_id, expected=f"task {task_id}",
                   got=response, response=response)
        exposition = await scrape(client)
    counter = require_counter(exposition)
    known = {tuple(sorted(s.labels.items())) for s in before.counter()}
    reads = [s for s in counter if label(s, "method") == "GET"
             and tuple(sorted(s.labels.items())) not in known]
    expect(
        len(reads) == 1 and label(reads[0], "route") == ITEM_ROUTE and reads[0].value == 100,
        expected=f"one new series, for GET {ITEM_ROUTE}, with the value 100: the label is the "
        "route template, so the number of series does not grow with the data",
        got=f"{len(reads)} new GET series:\n" + show(reads),
        response=exposition.response,
    )
    timed_before = {label(s, "route") for s in before.histogram("_count")}
    timed = {label(s, "route") for s in exposition.histogram("_count")
             if label(s, "method") == "GET"} - timed_before
    expect(
        timed == {ITEM_ROUTE},
        expected=f"the latency histogram to gain one GET route: {ITEM_ROUTE}",
        got=f"{len(timed)} new routes, e.g. {sorted(map(str, timed))[:5]}",
        response=exposition.response,
    )


@check("31.2")
async def unknown_paths_do_not_mint_series(ctx: Check) -> None:
    """Twenty scanner paths (404s) share one route label; each is still counted."""
    async with ctx.client() as client:
        first = await client.get(UNKNOWN_PATHS[0])
        expect_status(first, 404, because=f"no route serves {UNKNOWN_PATHS[0]}")
        await scrape(client)
        before = await scrape(client)  # the first scrape is counted in this one
        for path in UNKNOWN_PATHS[1:]:
            await client.get(path)
        after = await scrape(client)
    counter = require_counter(after)
    routes_before = {label(s, "route") for s in before.counter()}
    routes_after = {label(s, "route") for s in counter}
    new = sorted(map(str, routes_after - routes_before))
    expect(
        not new,
        expected=f"no new route label after {len(UNKNOWN_PATHS) - 1} more unknown paths: "
        "requests no route matched share one constant label (say 'unmatched'), otherwise "
        "every scanner mints series without limit",
        got=f"{len(new)} new route labels, e.g. {new[:6]}",
        response=after.response,
    )
    not_found = sum(s.value for s in counter if label(s, "status") == "404")
    expect(
        not_found == len(UNKNOWN_PATHS),
        expected=f"all {len(UNKNOWN_PATHS)} unknown-path requests counted with status '404'",
        got=f"{not_found:g}:\n" + show(counter),
        response=after.response,
    )
