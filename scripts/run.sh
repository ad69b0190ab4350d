#!/usr/bin/env bash
# Installs everything and starts the site with demo data on the embedded defaults
# (SQLite, in-process cache, eager tasks, sandbox Paystack, console email, local files).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh runtime
PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
echo
echo "getiickets is running at http://127.0.0.1:$PORT/"
echo "  buyer:     buyer@demo.getiickets.ng / demo-pass-2026"
echo "  organizer: organizer@demo.getiickets.ng / demo-pass-2026"
echo "  staff:     admin@demo.getiickets.ng / demo-pass-2026 (http://127.0.0.1:$PORT/admin/)"
echo
exec .venv/bin/python manage.py runserver "127.0.0.1:$PORT"
