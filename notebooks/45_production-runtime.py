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
# # Lesson 45 · Run it like production: server, shutdown, proxies, logs, image
#
# First the two Dockerfiles, read and linted (no image can be built on the machines that
# run this notebook: there is no registry to pull a base image from). Then the solution's
# real server, `python -m app` on a free loopback port: forwarded headers from a trusted and
# an untrusted address, and a `SIGTERM` in the middle of a slow request.

# %%
import json
import subprocess
import sys
from pathlib import Path

from workbook.notebook_app import lesson

LESSON = lesson("45")
FOLDERS = {"starter": LESSON.lesson_dir, "solution": LESSON.solution_dir}
HADOLINT = Path(sys.executable).with_name("hadolint")


def instructions(text):
    joined = text.replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


for which, folder in FOLDERS.items():
    lines = instructions((folder / "Dockerfile").read_text())
    stages = [line for line in lines if line.upper().startswith("FROM")]
    final = lines[lines.index(stages[-1]):]
    users = [line.split()[1] for line in final if line.upper().startswith("USER ")]
    has_healthcheck = any(line.upper().startswith("HEALTHCHECK") for line in final)
    lint = subprocess.run([str(HADOLINT), "--no-fail", "--format", "json", "Dockerfile"],
                          cwd=folder, capture_output=True, text=True, check=False)
    codes = sorted({finding["code"] for finding in json.loads(lint.stdout or "[]")})
    print(f"{which}: {len(stages)} stage(s), bases {[s.split()[1] for s in stages]}")
    print(f"  final user: {users[-1] if users else 'root'}, healthcheck: {has_healthcheck}")
    print(f"  hadolint: {codes or 'clean'}")

# %% [markdown]
# The solution's server, started the way the checks start it.

# %%
import asyncio
import os
import signal
import socket
import tempfile

import httpx


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def serve_solution(scratch, **settings):
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("APP_")}
    env.update({"PYTHONPATH": str(FOLDERS["solution"]), "APP_PORT": str(port),
                **{f"APP_{name.upper()}": value for name, value in settings.items()}})
    workdir = Path(scratch) / "run"
    workdir.mkdir()
    with (Path(scratch) / "stdout.txt").open("wb") as out, (
        Path(scratch) / "stderr.txt"
    ).open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app", cwd=workdir, env=env, stdout=out, stderr=err)
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(300):
            try:
                if (await client.get("/health/live")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    return process, url


async def post_from(url, address):
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=url, transport=transport) as client:
        response = await client.post(
            "/tasks", json={"title": "Audit me"},
            headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    return response.json()["created_from"], response.headers["location"].split(":")[0]


with tempfile.TemporaryDirectory() as scratch:
    process, url = await serve_solution(scratch, trusted_proxies="127.0.0.1", report_seconds="3")
    for address in ("127.0.0.1", "127.0.0.2"):
        created_from, scheme = await post_from(url, address)
        print(f"from {address}: created_from {created_from}, Location scheme {scheme}")
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        slow = asyncio.create_task(client.get("/reports/weekly"))
        await asyncio.sleep(1)
        process.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.5)
        with socket.socket() as probe:
            is_refused = probe.connect_ex(("127.0.0.1", int(url.rsplit(":", 1)[1]))) != 0
        report = await slow
    await process.wait()
    print(f"after SIGTERM: new connection refused {is_refused}, "
          f"report {report.status_code} complete {report.json()['is_complete']}, "
          f"exit code {process.returncode}")
    stdout = (Path(scratch) / "stdout.txt").read_text()
    stderr = (Path(scratch) / "stderr.txt").read_text()
    files = sorted(path.name for path in (Path(scratch) / "run").iterdir())
print(f"stdout has the access log: {'POST /tasks' in stdout}, stderr empty: {not stderr}")
print(f"files in the working directory: {files}")
