"""Caching for the public catalogue and event pages, invalidated by version keys.

Shared data and fragments are cached here, never anything about the visitor; whole pages are
cached on top of these versions by getiickets.page_cache. Two kinds of version key live in
the cache:

- the catalogue version: part of every list key; any change to any event bumps it;
- one version per event: stored next to the cached detail data and compared on read.

`bump_event(event_id)` moves both on. Signals call it when an event, a ticket type, a seat or a
section is saved or deleted; services doing bulk work (bulk_create, update()) call it
themselves, and the holds code calls it when availability flips to or from "sold out".

If the cache is unreachable (Redis down: django-redis ignores the error and answers None),
version lookups fail and pages are simply built from the database.

Within one request, what was read from the cache is remembered until the request ends
(`_read`): a page asks for the catalogue version, a list, its events' versions and their
cards once each, in a few round trips (a round trip to Redis costs more than rendering a
card). Nothing is remembered between requests or outside them (tasks, shells).
"""

import hashlib
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

LIST_TIMEOUT = 5 * 60
DETAIL_TIMEOUT = 60
CHOICES_TIMEOUT = 5 * 60
CARD_TIMEOUT = 60 * 60
# How long one process may take to rebuild a list while the others serve the previous copy.
REBUILD_LOCK_SECONDS = 30

CATALOGUE_VERSION_KEY = "events:v:catalogue"
# After the cache fails to answer, pages skip it for a few seconds instead of waiting for
# a socket timeout on every lookup (a slow Redis must not make every page slow).
SKIP_AFTER_FAILURE_SECONDS = 10.0
_local = threading.local()
_skip_until = 0.0


def _available() -> bool:
    return time.monotonic() >= _skip_until


def available() -> bool:
    """False for a few seconds after the cache failed to answer: callers outside this module
    that cache per event (the waiting room's snapshot) skip it too, rather than wait."""
    return _available()


def _mark_unavailable() -> None:
    global _skip_until
    _skip_until = time.monotonic() + SKIP_AFTER_FAILURE_SECONDS


mark_unavailable = _mark_unavailable  # for other caches on this Redis (accounts.user_cache)


def reset_availability() -> None:
    """Forget a recorded failure (tests, or after Redis is known to be back)."""
    global _skip_until
    _skip_until = 0.0


# --- What this request has read ------------------------------------------------------

_MISSING = object()
_request_reads: ContextVar[dict | None] = ContextVar("events_cache_reads", default=None)


def _begin_request(**kwargs) -> None:
    _request_reads.set({})


def _end_request(**kwargs) -> None:
    _request_reads.set(None)


request_started.connect(_begin_request, dispatch_uid="events.cache.begin_request")
request_finished.connect(_end_request, dispatch_uid="events.cache.end_request")


def _read(keys) -> dict:
    """The values of `keys` (missing ones left out) in one round trip, less the keys this
    request has already read."""
    reads = _request_reads.get()
    keys = list(dict.fromkeys(keys))
    wanted = keys if reads is None else [k for k in keys if k not in reads]
    found = cache.get_many(wanted) if wanted else {}
    if reads is not None:
        for key in wanted:
            reads[key] = found.get(key, _MISSING)
        found = {k: reads[k] for k in keys if reads[k] is not _MISSING}
    return found


def read(keys) -> dict:
    """What other modules caching on these versions read (getiickets.page_cache): several
    keys in one round trip, remembered for the rest of the request like ours."""
    return _read(keys)


def catalogue_version():
    """The catalogue version (created when missing); None when the cache is unreachable."""
    return _version(CATALOGUE_VERSION_KEY)


def _remember(key, value) -> None:
    """What this request wrote (or `_MISSING` for a key it changed without knowing how)."""
    reads = _request_reads.get()
    if reads is not None:
        reads[key] = value


remember = _remember


def _event_version_key(event_id) -> str:
    return f"events:v:event:{event_id}"


def _fresh_version() -> int:
    return time.time_ns()


def _version(key: str):
    """The current version, creating it if missing; None when the cache is unreachable."""
    if not _available():
        return None
    value = _read([key]).get(key)
    if value is None:
        cache.add(key, _fresh_version(), timeout=None)
        value = cache.get(key)
        _remember(key, _MISSING if value is None else value)
        if value is None:
            _mark_unavailable()
    return value


def _incr(key: str) -> None:
    _remember(key, _MISSING)  # read it again if this request needs it
    try:
        result = cache.incr(key)
    except ValueError:  # missing key: start a new, never-used version
        cache.set(key, _fresh_version(), timeout=None)
        return
    if result is None:  # django-redis with IGNORE_EXCEPTIONS: the server is unreachable
        return


def _bump_now(event_id, listing: bool = True) -> None:
    if listing:
        _incr(CATALOGUE_VERSION_KEY)
    if event_id is not None:
        _incr(_event_version_key(event_id))


def bump_event(event_id, *, listing: bool = True) -> None:
    """Invalidate the cached pages of one event, and the lists and cards that show it.

    `listing=False` says the change cannot move the event into or out of any list, or
    reorder one (stock, seats): lists that do not show the event stay cached. Otherwise
    every list is rebuilt (an event published, moved, re-priced...).

    Bumps now and again when the surrounding transaction commits, so a request that read
    the old rows between the two cannot leave stale data cached. Inside `batched_bumps()`
    the ids are collected and bumped once at the end.
    """
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending[event_id] = pending.get(event_id, False) or listing
        return
    _bump_now(event_id, listing)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump_now(event_id, listing))


def versions(*keys):
    """The current values of version keys other apps keep here (each created when missing),
    in one round trip when they exist; None when the cache is unreachable."""
    if not _available():
        return None
    found = _read(keys)
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            value = _version(key)
            if value is None:
                return None
        values.append(value)
    return tuple(values)


def event_version_key(event_id) -> str:
    """The key of the version one event's changes move on (`bump_event`); with
    CATALOGUE_VERSION_KEY, which any event's changes move on, for `versions`."""
    return _event_version_key(event_id)


def bump_version(key: str) -> None:
    """Move a version key another app keeps here on (its cached copies are then unused)."""
    _incr(key)


def bump_catalogue() -> None:
    """Invalidate every list (e.g. a venue was renamed or a category changed)."""
    bump_event(None)


@contextmanager
def batched_bumps():
    """Collect bumps (e.g. thousands of seat signals) and send each event's bump once."""
    outer = getattr(_local, "pending", None) is None
    if outer:
        _local.pending = {}
    try:
        yield
    finally:
        if outer:
            ids, _local.pending = _local.pending, None
            for event_id, listing in ids.items():
                bump_event(event_id, listing=listing)


# --- Lists -----------------------------------------------------------------------


def list_key(params: dict[str, str]) -> str:
    """A key from the filter parameters, in a stable order (page number included)."""
    canonical = "&".join(f"{k}={params[k]}" for k in sorted(params) if params[k] not in ("", None))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def event_versions(event_ids) -> dict | None:
    """Each event's current version (created when missing); None when the cache is down."""
    if not _available():
        return None
    keys = {_event_version_key(pk): pk for pk in event_ids}
    found = _read(keys) if keys else {}
    versions = {keys[k]: v for k, v in found.items()}
    for pk in set(keys.values()) - set(versions):
        version = _version(_event_version_key(pk))
        if version is None:
            return None
        versions[pk] = version
    return versions


def _shown(data) -> list[int]:
    return [event.pk for event in data.get("events", [])] if isinstance(data, dict) else []


def _get_or_rebuild(key: str, build, timeout: int, shown=_shown):
    """The cached copy while it is current; when it is not, one process rebuilds it (the
    holder of a short lock) and the others serve the previous copy meanwhile.

    A copy is current while the catalogue version and the version of every event it shows
    are those it was built with, so an event's own edit invalidates only what shows it.
    """
    if not _available():
        return build()
    entry = _read([CATALOGUE_VERSION_KEY, key]).get(key)  # one round trip for both
    catalogue = _version(CATALOGUE_VERSION_KEY)
    if catalogue is None:
        return build()
    current = entry is not None and entry["catalogue"] == catalogue
    if current and event_versions(entry["events"]) == entry["events"]:
        return _tagged(entry["data"], entry["events"])
    lock = f"{key}:rebuilding"
    if entry is not None and not cache.add(lock, 1, timeout=REBUILD_LOCK_SECONDS):
        return entry["data"]  # another process is rebuilding: the previous copy meanwhile
    try:
        data = build()
        versions = event_versions(shown(data)) or {}
        fresh = {"catalogue": catalogue, "events": versions, "data": data}
        cache.set(key, fresh, timeout)
        _remember(key, fresh)
    finally:
        if entry is not None:
            cache.delete(lock)
    return _tagged(data, versions)


def _tagged(data, versions: dict):
    """Each shown event carries the version its card may be cached under (`card_html`); the
    cards are read in one round trip, for the template to find."""
    events = data.get("events", []) if isinstance(data, dict) else data
    keys = []
    for event in events if isinstance(events, list) else []:
        if hasattr(event, "pk") and hasattr(event, "slug"):
            event.cache_version = versions.get(event.pk)
            if event.cache_version is not None:
                keys.append(_card_key(event))
    if keys and _request_reads.get() is not None:
        _read(keys)
    return data


def _card_key(event) -> str:
    return f"events:card:{event.pk}:{event.cache_version}"


def card_html(event, render) -> str:
    """An event card's HTML, cached per event and version (the card is the same for all)."""
    version = getattr(event, "cache_version", None)
    if version is None or not _available():
        return render()
    return _read_or_build(_card_key(event), render, CARD_TIMEOUT)


def _read_or_build(key, build, timeout):
    """The cached value at `key`, or `build()` stored there (and remembered by this request)."""
    value = _read([key]).get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
        _remember(key, value)
    return value


def get_list(params: dict[str, str], build):
    """`build()` produces the (picklable) list data on a miss; cached 5 minutes."""
    return _get_or_rebuild(f"events:list:{list_key(params)}", build, LIST_TIMEOUT)


def get_shared(name: str, build, timeout: int = CHOICES_TIMEOUT):
    """Small shared data (filter choices, home sections) tied to the catalogue version;
    a list of events is also tied to each one's version."""

    def shown(data):
        from events.models import Event

        return [e.pk for e in data if isinstance(e, Event)] if isinstance(data, list) else []

    return _get_or_rebuild(f"events:shared:{name}", build, timeout, shown=shown)


# --- Detail ----------------------------------------------------------------------


def get_detail(slug: str, build):
    """`build()` returns the detail data (a dict with "event") or None for a 404; 1 minute.

    The entry remembers the event's version when it was built; a bumped version is a miss.
    """
    key = f"events:detail:{slug}"
    entry = _read([key]).get(key) if _available() else None
    if entry is not None:
        version_key = _event_version_key(entry["event_id"])
        current = _read([version_key]).get(version_key)
        if current is not None and current == entry["version"]:
            return entry["data"]
    data = build()
    if data is None:
        return None
    event_id = data["event"].pk
    version = _version(_event_version_key(event_id))
    if version is not None:
        entry = {"event_id": event_id, "version": version, "data": data}
        cache.set(key, entry, DETAIL_TIMEOUT)
        _remember(key, entry)
    return data


FRAGMENT_TIMEOUT = 60 * 60


def event_fragment(event_id, name: str, build):
    """Something drawn for one event that stays true until its version moves on (a seat
    map's layout: seats, sections, price bands), cached per version; `build()` makes it
    (picklable) on a miss, or every time when the cache is down."""
    versions = event_versions([event_id]) if _available() else None
    version = (versions or {}).get(event_id)  # read before the rows `build` reads
    if version is None:
        return build()
    return _read_or_build(f"events:fragment:{name}:{event_id}:{version}", build, FRAGMENT_TIMEOUT)
