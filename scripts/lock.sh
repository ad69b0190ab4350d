#!/usr/bin/env bash
# Regenerates the lock files from pyproject.toml with uv (README: "Adding a dependency").
#   requirements/runtime.txt  what the site needs to run (make run, the Docker image)
#   requirements/dev.txt      runtime + the `dev` extra (make test, CI), runtime pins unchanged
# Every pin already in a lock file is kept unless asked otherwise:
#   scripts/lock.sh                          add/remove what pyproject.toml changed
#   scripts/lock.sh --upgrade-package NAME   move one package to its newest allowed version
#   scripts/lock.sh --upgrade                move everything (review the diff)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/uv-version.sh
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/uv --version 2>/dev/null | grep -qx "uv $UV_VERSION" \
  || .venv/bin/pip install -q --disable-pip-version-check "uv==$UV_VERSION"

# Universal (every platform, Python 3.11+) with hashes, so pip --require-hashes and uv agree.
common=(--universal --python-version 3.11 --generate-hashes --quiet
        --custom-compile-command "scripts/lock.sh")
.venv/bin/uv pip compile pyproject.toml "${common[@]}" "$@" -o requirements/runtime.txt
.venv/bin/uv pip compile pyproject.toml --extra dev -c requirements/runtime.txt \
  "${common[@]}" "$@" -o requirements/dev.txt
echo "lock files written: requirements/runtime.txt requirements/dev.txt"
