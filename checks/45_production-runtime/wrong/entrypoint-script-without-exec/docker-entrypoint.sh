#!/bin/sh
set -eu
echo "starting the task tracker on ${APP_HOST}:${APP_PORT}"
python -m app
