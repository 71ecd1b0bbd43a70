#!/bin/sh
# The one way an image installs Referent: the hashed lock (requirements.txt), then the project itself
# without dependencies, so nothing unpinned can slip in. CI runs this same script into a clean venv
# (`make lock-check`), which is how a fresh clone is known to build without a Docker daemon.
# Usage: sh docker/install.sh VENV [SOURCE_DIR]
set -eu
venv="$1"
src="${2:-.}"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --no-cache-dir --quiet --require-hashes -r "$src/requirements.txt"
"$venv/bin/python" -m pip install --no-cache-dir --quiet --no-deps --no-build-isolation "$src"
