"""A tiny threaded HTTP server base for local stand-ins of external APIs."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class JsonHandler(BaseHTTPRequestHandler):
    standin = None  # set on the subclass made per server

    def log_message(self, *args):  # quiet
        pass

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status: int, payload) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Standin:
    """Start/stop a stand-in on 127.0.0.1 (a free port) in a background thread."""

    handler_class: type[JsonHandler] = JsonHandler
    # Set to a TransactionProbe to look for transactions held open while this stand-in answers.
    probe = None

    def __init__(self):
        self.lock = threading.Lock()
        self.replies_to_hold = 0
        self.released = threading.Event()
        handler = type("Handler", (self.handler_class,), {"standin": self})
        self.server = StandinServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def hold_next_reply(self) -> None:
        """The next accepted message is kept (the recipient gets it) but the answer never
        comes while the test runs: the caller is stuck after the provider has taken it,
        the moment a crash test kills the worker."""
        with self.lock:
            self.replies_to_hold += 1

    def wait_if_held(self) -> None:
        """Called by a handler after it has accepted a message, outside the lock."""
        with self.lock:
            held = self.replies_to_hold > 0
            self.replies_to_hold -= held
        if held:
            self.released.wait(600)

    def __exit__(self, *exc):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


class TransactionProbe:
    """Looks, from its own PostgreSQL connection, for transactions that stay open while a
    stand-in is answering: the caller must not hold one across an external call.

    It samples the other backends of the test database twice, `window` seconds apart, while
    the caller waits for the answer; a transaction present (same backend, same start) in both
    samples was held across the call. Brief transactions of other threads come and go
    between the samples and are not reported. A row lock taken with SELECT ... FOR UPDATE
    shows as a RowShareLock on its table and is named in the finding.
    """

    SQL = """
        SELECT a.pid, a.xact_start, a.state,
               coalesce(string_agg(DISTINCT c.relname, ',') FILTER (
                   WHERE l.mode = 'RowShareLock' AND c.relkind = 'r'), '')
        FROM pg_stat_activity a
        LEFT JOIN pg_locks l ON l.pid = a.pid AND l.granted
        LEFT JOIN pg_class c ON c.oid = l.relation
        WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
          AND a.xact_start IS NOT NULL
        GROUP BY a.pid, a.xact_start, a.state
    """

    def __init__(self, window: float = 1.0):
        import time

        from django.db import connection

        self.window = window
        self.sleep = time.sleep
        self.params = (
            connection.get_connection_params() if connection.vendor == "postgresql" else None
        )
        self.findings: list[str] = []
        self.probes = 0

    def _sample(self, cursor) -> dict:
        cursor.execute(self.SQL)
        return {(pid, start): (state, tables) for pid, start, state, tables in cursor.fetchall()}

    def row_lockable(self, what: str, table: str, column: str, value) -> None:
        """Lock the row from here while the caller waits for the answer: a lock the caller
        holds across the call would make this wait out `lock_timeout` (a racing thread's
        brief claim does not)."""
        if self.params is None:
            return
        import psycopg
        from psycopg import sql

        params = {k: v for k, v in self.params.items() if k not in ("cursor_factory", "context")}
        query = sql.SQL("SELECT 1 FROM {} WHERE {} = %s FOR UPDATE").format(
            sql.Identifier(table), sql.Identifier(column)
        )
        with psycopg.connect(**params) as conn, conn.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            try:
                cursor.execute(query, [value])
            except psycopg.errors.LockNotAvailable:
                self.findings.append(f"{what}: the {table} row {value} stayed locked")
            conn.rollback()

    def check(self, what: str) -> None:
        if self.params is None:
            return
        import psycopg

        params = {k: v for k, v in self.params.items() if k not in ("cursor_factory", "context")}
        with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cursor:
            first = self._sample(cursor)
            self.sleep(self.window)
            second = self._sample(cursor)
        self.probes += 1
        for key in first.keys() & second.keys():
            state, tables = second[key]
            self.findings.append(
                f"{what}: backend {key[0]} kept a transaction open ({state}) across the call"
                + (f", holding row locks on {tables}" if tables else "")
            )
