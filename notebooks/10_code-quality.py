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
# # Lesson 10 · Code quality: types, lint and names
#
# Lint findings are not only style. The starter's `extract_mentions(body, found=[])` shares
# one list between every call: post three comments and watch the mentions pile up.

# %%
from workbook.notebook_app import open_app

bodies = ("Ping @ada about the release", "@grace, please review", "No one to mention here")
for which in ("starter", "solution"):
    async with open_app("10", which) as client:
        mentions = []
        for body in bodies:
            response = await client.post("/tasks/1/comments", json={"author": "bob", "body": body})
            mentions.append(response.json()["mentions"])
    print(f"{which:>8}: {mentions}")

# %% [markdown]
# The same tools the checks run, with the same fixed configuration, on both versions: the
# number of findings per code. The solution has none.

# %%
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from workbook.notebook_app import lesson
from workbook.targets import pristine_target, solution_target

RUFF = ["ruff", "check", "--isolated", "--no-cache", "--output-format", "json",
        "--select", "E,W,F,I,N,UP,B,ANN,BLE,FAST,RUF,SIM,RET,C4,PIE,T20,ASYNC,PGH",
        "--line-length", "100", "--target-version", "py311",
        "--config", 'lint.isort.known-first-party = ["app"]', "app"]


def ruff_codes(root: Path) -> Counter:
    result = subprocess.run([sys.executable, "-m", *RUFF], cwd=root, capture_output=True,
                            text=True, check=False)
    return Counter(item["code"] for item in json.loads(result.stdout))


def mypy_codes(root: Path) -> Counter:
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "mypy.ini"
        config.write_text("[mypy]\nstrict = True\npython_version = 3.11\n")
        cache = lesson("10").kit_root / ".mypy_cache" / "workbook-lesson-10"
        result = subprocess.run(
            [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir",
             str(cache), "--no-error-summary", "--no-color-output", "app"],
            cwd=root, capture_output=True, text=True, check=False,
        )
    return Counter(re.findall(r"error: .*\[([a-z-]+)\]$", result.stdout, re.MULTILINE))


for which, target in (("starter", pristine_target), ("solution", solution_target)):
    root = target(lesson("10")).root
    print(f"{which:>8}: ruff {dict(sorted(ruff_codes(root).items()))}")
    print(f"{'':>8}  mypy {dict(sorted(mypy_codes(root).items()))}")
