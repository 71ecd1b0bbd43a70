#!/bin/sh
# The commands the image runs, against an installed venv: `make lock-check` calls it after
# docker/install.sh. Usage: sh docker/smoke.sh VENV_BIN DEMO_MINUTES (REFERENT_DB and
# REFERENT_CONFIG_DIR set by the caller).
set -eu
bin="$1"
minutes="$2"
"$bin/referent" --version
"$bin/python" -c "import bot.web, bot.slack, bot.teams, bot.schedule, bot.metrics, bot.admin, uvicorn"
"$bin/referent" ingest "$minutes" >/dev/null
"$bin/referent" migrate --status
"$bin/referent" ask "Hvad blev besluttet om skateparken?" --json | "$bin/python" -c \
  "import json, sys; a = json.load(sys.stdin); sys.exit(0 if a['answers'] and not a['no_answer'] else 1)"
echo "lock-check: the lock installs into a clean venv and the image's commands run"
