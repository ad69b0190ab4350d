"""Caching for the public catalogue and event pages, invalidated by version keys.

Only shared data and fragments are cached (never whole responses, CSRF tokens or anything
about the visitor). Two kinds of version key live in the cache:

- the catalogue version: part of every list key; any change to any event bumps it;
- one version per event: stored next to the cached detail data and compared on read.

`bump_event(event_id)` moves both on. Signals call it when an event, a ticket type, a seat or a
section is saved or deleted; services doing bulk work (bulk_create, update()) call it
themselves, and the holds code calls it when availability flips to or from "sold out".

If the cache is unreachable (Redis down: django-redis ignores the error and answers None),
version lookups fail and pages are simply built from the database.
"""

import hashlib
import threading
import time
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction

LIST_TIMEOUT = 5 * 60
DETAIL_TIMEOUT = 60
CHOICES_TIMEOUT = 5 * 60

CATALOGUE_VERSION_KEY = "events:v:catalogue"
# After the cache fails to answer, pages skip it for a few seconds instead of waiting for
# a socket timeout on every lookup (a slow Redis must not make every page slow).
SKIP_AFTER_FAILURE_SECONDS = 10.0
_local = threading.local()
_skip_until = 0.0


def _available() -> bool:
    return time.monotonic() >= _skip_until


def _mark_unavailable() -> None:
    global _skip_until
    _skip_until = time.monotonic() + SKIP_AFTER_FAILURE_SECONDS


def reset_availability() -> None:
    """Forget a recorded failure (tests, or after Redis is known to be back)."""
    global _skip_until
    _skip_until = 0.0


def _event_version_key(event_id) -> str:
    return f"events:v:event:{event_id}"


def _fresh_version() -> int:
    return time.time_ns()


def _version(key: str):
    """The current version, creating it if missing; None when the cache is unreachable."""
    if not _available():
        return None
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh_version(), timeout=None)
        value = cache.get(key)
        if value is None:
            _mark_unavailable()
    return value


def _incr(key: str) -> None:
    try:
        result = cache.incr(key)
    except ValueError:  # missing key: start a new, never-used version
        cache.set(key, _fresh_version(), timeout=None)
        return
    if result is None:  # django-redis with IGNORE_EXCEPTIONS: the server is unreachable
        return


def _bump_now(event_id) -> None:
    _incr(CATALOGUE_VERSION_KEY)
    if event_id is not None:
        _incr(_event_version_key(event_id))


def bump_event(event_id) -> None:
    """Invalidate the cached pages of one event and every cached list.

    Bumps now and again when the surrounding transaction commits, so a request that read
    the old rows between the two cannot leave stale data cached. Inside `batched_bumps()`
    the ids are collected and bumped once at the end.
    """
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending.add(event_id)
        return
    _bump_now(event_id)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump_now(event_id))


def bump_catalogue() -> None:
    """Invalidate every list (e.g. a venue was renamed or a category changed)."""
    bump_event(None)


@contextmanager
def batched_bumps():
    """Collect bumps (e.g. thousands of seat signals) and send each event's bump once."""
    outer = getattr(_local, "pending", None) is None
    if outer:
        _local.pending = set()
    try:
        yield
    finally:
        if outer:
            ids, _local.pending = _local.pending, None
            for event_id in ids:
                bump_event(event_id)


# --- Lists -----------------------------------------------------------------------


def list_key(params: dict[str, str]) -> str:
    """A key from the filter parameters, in a stable order (page number included)."""
    canonical = "&".join(f"{k}={params[k]}" for k in sorted(params) if params[k] not in ("", None))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def get_list(params: dict[str, str], build):
    """`build()` produces the (picklable) list data on a miss; cached 5 minutes."""
    version = _version(CATALOGUE_VERSION_KEY)
    if version is None:
        return build()
    key = f"events:list:{version}:{list_key(params)}"
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, LIST_TIMEOUT)
    return data


def get_shared(name: str, build, timeout: int = CHOICES_TIMEOUT):
    """Small shared data (filter choices, home sections) tied to the catalogue version."""
    version = _version(CATALOGUE_VERSION_KEY)
    if version is None:
        return build()
    key = f"events:shared:{name}:{version}"
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, timeout)
    return data


# --- Detail ----------------------------------------------------------------------


def get_detail(slug: str, build):
    """`build()` returns the detail data (a dict with "event") or None for a 404; 1 minute.

    The entry remembers the event's version when it was built; a bumped version is a miss.
    """
    key = f"events:detail:{slug}"
    entry = cache.get(key) if _available() else None
    if entry is not None:
        current = cache.get(_event_version_key(entry["event_id"]))
        if current is not None and current == entry["version"]:
            return entry["data"]
    data = build()
    if data is None:
        return None
    event_id = data["event"].pk
    version = _version(_event_version_key(event_id))
    if version is not None:
        cache.set(key, {"event_id": event_id, "version": version, "data": data}, DETAIL_TIMEOUT)
    return data
