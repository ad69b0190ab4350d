"""Helpers for the concurrency tests: real threads against real PostgreSQL and Redis."""

import threading

from django.db import connection

from accounts.models import User

# Other suites share the PostgreSQL server: bound how many threads talk to it at once.
DB_SLOTS = threading.BoundedSemaphore(24)


def make_buyers(n, prefix="racer"):
    users = User.objects.bulk_create(
        [User(email=f"{prefix}{i}@example.ng", password="!") for i in range(n)]
    )
    return list(User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"))


def race(n, work):
    """Start `n` threads that wait at a barrier, then each runs work(i); returns results
    (the value, or the exception raised) in thread order."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=60)
            with DB_SLOTS:
                try:
                    results[i] = work(i)
                except Exception as exc:  # noqa: BLE001 - the result under test
                    results[i] = exc
                finally:
                    connection.close()
        except threading.BrokenBarrierError as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    return results
