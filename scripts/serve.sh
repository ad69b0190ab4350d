#!/usr/bin/env bash
# Starts the site from an installed .venv: migrations, demo data, the dev server on $PORT.
# scripts/run.sh (`make run`) runs it after installing; the CI smoke test of `make run`
# (tests/site/test_make_run_smoke.py) runs it directly, so both start the site alike.
set -euo pipefail
cd "$(dirname "$0")/.."
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
