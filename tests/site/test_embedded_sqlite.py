"""The embedded SQLite is web-grade: the threaded dev server, the Paystack sandbox and eager
tasks write at the same time without "database is locked"."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = """
import json, threading, time, django
django.setup()
from django.db import connection, transaction

with connection.cursor() as c:
    c.execute("CREATE TABLE seats (id INTEGER PRIMARY KEY, taken INTEGER)")
    c.execute("PRAGMA journal_mode")
    mode = c.fetchone()[0]
errors = []
barrier = threading.Barrier(4)

def buy():
    try:
        barrier.wait()
        with transaction.atomic():  # read, think, then write: the request pattern
            with connection.cursor() as c:
                c.execute("SELECT count(*) FROM seats")
                taken = c.fetchone()[0]
                time.sleep(0.3)
                c.execute("INSERT INTO seats (taken) VALUES (%s)", [taken + 1])
    except Exception as exc:
        errors.append(str(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=buy) for _ in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
with connection.cursor() as c:
    c.execute("SELECT taken FROM seats ORDER BY id")
    rows = [r[0] for r in c.fetchall()]
print(json.dumps({"mode": mode, "errors": errors, "rows": rows}))
"""


def test_concurrent_read_then_write_transactions_wait_for_each_other_instead_of_failing(
    tmp_path,
):
    env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    env.update(
        DJANGO_SETTINGS_MODULE="getiickets.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["mode"] == "wal"
    assert outcome["errors"] == []
    assert outcome["rows"] == [1, 2, 3, 4]  # each saw the one before: serialised, none lost
