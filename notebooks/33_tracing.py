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
# # Lesson 33 · Tracing: one trace per request, across the database and other services
#
# Each app is built with `create_app(tracer_provider=...)`, its spans kept in memory, and
# asked to create a task (which posts to a webhook on loopback) and read it back. Which spans
# does each request leave behind? Span ids differ on every run, so the tree is shown by name
# and kind; database span names are cut after the SQL verb.

# %%
import asyncio
import contextlib
import io
import json
import logging
import tempfile
from pathlib import Path

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from workbook.harness import serve
from workbook.loader import import_learner_module, target_on_path
from workbook.notebook_app import environment, lesson
from workbook.targets import pristine_target, solution_target

hooks = []


async def handle(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode().split("\r\n")[1:]
    hooks.append({k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines) if k})
    await reader.readexactly(int(hooks[-1].get("content-length", "0")))
    writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    await writer.drain()
    writer.close()


@contextlib.asynccontextmanager
async def traced(which, webhook_url):
    chosen = lesson("33")
    target = solution_target(chosen) if which == "solution" else pristine_target(chosen)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    root.handlers.clear()
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as scratch, target_on_path(target.root):
        variables = {"APP_DATABASE_URL": f"sqlite+aiosqlite:///{Path(scratch) / 'app.db'}",
                     "APP_WEBHOOK_URL": webhook_url}
        with environment(variables), contextlib.redirect_stdout(out):
            main = import_learner_module(target.root, "app.main")
            async with serve(main.create_app(tracer_provider=provider)) as client:
                yield client, exporter, out
    root.handlers[:], level = saved
    root.setLevel(level)


def tree(spans, root, depth=0):
    lines = []
    children = [s for s in spans if s.parent and s.parent.span_id == root.context.span_id]
    for child in sorted(children, key=lambda s: s.start_time):
        db = child.attributes.get("db.system")
        name = child.name.split(" ")[0] + " …" if db else child.name
        lines.append("  " * (depth + 1) + f"{name} ({child.kind.name})")
        lines += tree(spans, child, depth + 1)
    return lines


server = await asyncio.start_server(handle, "127.0.0.1", 0)
url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks"
results = {}
for which in ("starter", "solution"):
    hooks.clear()
    async with traced(which, url) as (client, exporter, out):
        await client.post("/tasks", json={"title": "Ship it"})
        await client.get("/tasks/1")
    spans = exporter.get_finished_spans()
    results[which] = (spans, list(hooks), out.getvalue())
    servers = [s for s in spans if s.kind.name == "SERVER"]
    print(f"{which}: {len(servers)} request spans")
    for root_span in sorted(servers, key=lambda s: s.start_time):
        print(f"  {root_span.name} (SERVER)")
        print("\n".join("  " + line for line in tree(spans, root_span)))
server.close()

# %% [markdown]
# The solution's trace of the create reaches the webhook: the `traceparent` it received
# carries the request's trace id and the id of the HTTP client span. And the log lines written
# during the request carry the same trace id, so a log search leads to the trace.

# %%
spans, received, output = results["solution"]
create = next(s for s in spans if s.name == "POST /tasks")
trace_id = format(create.context.trace_id, "032x")
client_span = next(s for s in spans if s.kind.name == "CLIENT" and "http.method" in s.attributes)
parts = received[0]["traceparent"].split("-")
print("webhook traceparent in the request's trace:", parts[1] == trace_id)
client_span_id = format(client_span.context.span_id, "016x")
print("its parent is the HTTP client span:", parts[2] == client_span_id)
records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
during = [r for r in records if r.get("message") in ("task created", "request")
          and r.get("method", "POST") == "POST"]
print("log lines of the create with its trace id:",
      sum(r.get("trace_id") == trace_id for r in during), "of", len(during))
print("starter: traceparent sent to the webhook:",
      "traceparent" in (results["starter"][1][0] if results["starter"][1] else {}))
