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
# # Lesson 43 · Test the service: async client, overrides, a database per test
#
# Mutation testing, the way the checks grade the lesson: the starter's tests and the
# solution's tests each run (in a process of their own, pytest-asyncio on) against the
# correct app and against six copies of it with one bug planted. A suite that passes on a
# mutant let its bug through.

# %%
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from workbook.notebook_app import lesson

LESSON = lesson("43")
MUTANTS = sorted(p.name for p in (LESSON.checks_file.parent / "mutants").iterdir())
SUITES = {"starter": LESSON.lesson_dir / "tests", "solution": LESSON.solution_dir / "tests"}
INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"


def passes(tests, mutant):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(LESSON.solution_dir / "app", root / "app", ignore=ignore)
        if mutant:
            overlay = LESSON.checks_file.parent / "mutants" / mutant / "app"
            shutil.copytree(overlay, root / "app", dirs_exist_ok=True)
        shutil.copytree(tests, root / "tests", ignore=ignore)
        (root / "pytest.ini").write_text(INI)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("APP_", "PYTEST_"))}
        env.update(PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1",
                   APP_DATABASE_URL=f"sqlite+aiosqlite:///{root / 'default.db'}")
        command = [sys.executable, "-m", "pytest", "-c", "pytest.ini", "--rootdir", ".",
                   "-p", "asyncio", "-p", "no:cacheprovider", "-p", "no:workbook",
                   "-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:nbval",
                   "-q", "tests"]
        result = subprocess.run(command, cwd=root, env=env, capture_output=True, check=False)
        return result.returncode == 0


for which, tests in SUITES.items():
    print(f"{which} suite: passes on the correct app: {passes(tests, '')}")
    killed = [mutant for mutant in MUTANTS if not passes(tests, mutant)]
    for mutant in MUTANTS:
        print(f"  {mutant:<20} {'killed' if mutant in killed else 'SURVIVED'}")
    print(f"  {len(killed)} of {len(MUTANTS)} mutants killed")
