#!/bin/sh
# Install the workbook into .venv from the pinned, hash-checked lock files.
#   ./setup.sh        what a learner needs: the FastAPI stack, the grader, the `workbook` command
#   ./setup.sh dev    that, plus the docs site, the notebooks and the kit's own self-test
#   ./setup.sh jupyter  that, plus JupyterLab to open the notebooks
set -eu
cd "$(dirname "$0")"
lock="requirements/${1:-main}.lock"
if [ ! -f "$lock" ]; then
    echo "setup.sh: no $lock (use: ./setup.sh [main|dev])" >&2
    exit 2
fi
python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
python3 -m uv venv --quiet --allow-existing .venv
python3 -m uv pip sync --quiet --python .venv/bin/python --require-hashes --compile-bytecode "$lock"
python3 -m uv pip install --quiet --python .venv/bin/python --no-deps --editable .
