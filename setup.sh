#!/bin/sh
# Install the workbook into .venv from the pinned, hash-checked lock files.
#   ./setup.sh          what a learner needs: the FastAPI stack, the grader, the `workbook` command
#   ./setup.sh dev      that, plus the docs site, the notebooks and the kit's own self-test
#   ./setup.sh jupyter  that, plus JupyterLab to open the notebooks
# Run again with no argument, it keeps the set installed last (so `dev` tools stay).
# It never installs into the system's Python: it uses `uv` from PATH, or a private copy of uv
# in .workbook/uv/ (made once with `python3 -m venv`). Set PYTHON to choose the interpreter.
set -eu
cd "$(dirname "$0")"

usage() {
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
    -h|--help|help) usage; exit 0 ;;
esac
profile_file=.venv/.workbook-profile
if [ $# -gt 0 ]; then
    profile=$1
elif [ -f "$profile_file" ]; then
    profile=$(cat "$profile_file")
else
    profile=main
fi
lock="requirements/$profile.lock"
if [ ! -f "$lock" ]; then
    echo "setup.sh: unknown set '$profile' (use: ./setup.sh [main|dev|jupyter], or --help)" >&2
    exit 2
fi

# The interpreter: not the kit's own venv (activated or not), whose Python has no pip.
python=${PYTHON:-python3}
if [ -n "${VIRTUAL_ENV:-}" ] && [ "$(command -v "$python")" = "$VIRTUAL_ENV/bin/$python" ]; then
    python=$("$python" -c 'import sys; print(sys._base_executable)')
fi
if ! command -v "$python" >/dev/null 2>&1; then
    echo "setup.sh: no $python found. Install Python 3.11 or newer, or set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
version=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
minimum=3.11.0
[ "$profile" = main ] || minimum=3.11.5  # the docs tools (pymdown-extensions) need 3.11.5
if ! "$python" -c "import sys; sys.exit(sys.version_info[:3] < tuple(map(int, '$minimum'.split('.'))))"; then
    echo "setup.sh: $python is Python $version; the kit's '$profile' set needs $minimum or newer." >&2
    echo "  Install a newer Python (for example from your distribution's backports, pyenv or uv)," >&2
    echo "  then run: PYTHON=/path/to/python3.12 ./setup.sh $*" >&2
    exit 2
fi

# uv: the one on PATH, else a private copy (never `pip install` into the system's Python).
if command -v uv >/dev/null 2>&1; then
    uv=$(command -v uv)
else
    uv=.workbook/uv/bin/uv
    if [ ! -x "$uv" ]; then
        echo "setup.sh: installing uv into .workbook/uv/ (once) ..."
        if ! "$python" -m venv .workbook/uv >/dev/null 2>&1; then
            rm -rf .workbook/uv
            echo "setup.sh: $python cannot make a virtual environment. On Debian or Ubuntu:" >&2
            echo "  sudo apt install python3-venv   (or install uv: see its documentation)" >&2
            exit 2
        fi
        .workbook/uv/bin/python -m pip install --quiet --disable-pip-version-check uv
    fi
fi

export UV_PYTHON_DOWNLOADS=never  # use the Python above, never fetch one
"$uv" venv --quiet --allow-existing --python "$python" .venv
"$uv" pip sync --quiet --python .venv/bin/python --require-hashes --compile-bytecode "$lock"
"$uv" pip install --quiet --python .venv/bin/python --no-deps --editable .
echo "$profile" > "$profile_file"
echo "setup.sh: .venv holds the '$profile' set (Python $version). Next: . .venv/bin/activate"
