#!/bin/sh
# Re-pin every dependency after editing pyproject.toml, then commit the two .lock files.
# uv.lock is a local intermediate (it records download addresses, so it is not committed).
set -eu
cd "$(dirname "$0")/.."
uv lock
uv export --quiet --format requirements-txt --no-emit-project --no-header --no-dev \
    --locked -o requirements/main.lock
uv export --quiet --format requirements-txt --no-emit-project --no-header --group dev \
    --locked -o requirements/dev.lock
uv export --quiet --format requirements-txt --no-emit-project --no-header --group jupyter \
    --locked -o requirements/jupyter.lock
