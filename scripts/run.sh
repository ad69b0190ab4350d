#!/usr/bin/env bash
# Installs everything and starts the site with demo data on the embedded defaults
# (SQLite, in-process cache, eager tasks, sandbox Paystack, console email, local files).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh runtime
exec ./scripts/serve.sh
