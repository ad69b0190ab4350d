"""The Redis gate in front of the stock rows (DESIGN.md §2).

Lua scripts (lua/*.lua) take quantity from per-ticket-type counters, or claim a set of seats
all or nothing with an expiry, so the crowd that cannot get a ticket is turned away without
touching the hot row. The gate is never the last word: the database step must agree, and
the caller undoes the gate step when it does not.

A counter remembers the capacity it was built under and every take passes the current one,
so an organizer's capacity edit (a ticket type form, seats blocked or unblocked) moves the
counter by the difference on its next use: no edit has to tell the gate.

Every function answers None (or does nothing) when Redis is not configured or not
answering; the caller then goes through the database alone, which is always correct. A raw
redis-py client with short timeouts is used: the Django cache hides failures.
"""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path

import redis
from django.conf import settings

log = logging.getLogger(__name__)

LUA_DIR = Path(__file__).resolve().parent / "lua"
PREFIX = "gate:"
COOLDOWN_SECONDS = 2.0  # after a failure the gate is skipped this long (no timeout per request)
ERRORS = (redis.ConnectionError, redis.TimeoutError, OSError)


def counter_key(ticket_type_id: int) -> str:
    return f"{PREFIX}tt:{ticket_type_id}"


def seat_key(seat_id: int) -> str:
    return f"{PREFIX}seat:{seat_id}"


class _State:
    client: redis.Redis | None = None
    url: str = ""
    scripts: dict = {}  # noqa: RUF012 - process-wide
    down_until: float = 0.0
    # Counters this process could not give stock back to (an outage): dropped when Redis
    # answers again and rebuilt from the database. Adding the stock later would count it
    # twice if another process rebuilt the counter meanwhile.
    stale: set[int] = set()  # noqa: RUF012


def client() -> redis.Redis | None:
    """The gate's client, or None when the gate is off or was unreachable a moment ago."""
    url = getattr(settings, "REDIS_URL", "") or ""
    if not url or not settings.HOLD_GATE_ENABLED or time.monotonic() < _State.down_until:
        return None
    if _State.client is None or _State.url != url:
        timeout = settings.HOLD_GATE_TIMEOUT_SECONDS
        _State.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        _State.url, _State.scripts = url, {}
    return _State.client


def reset() -> None:
    """Forget the client, scripts, cool-down and stale counters (tests, settings changes)."""
    if _State.client is not None:
        with contextlib.suppress(Exception):
            _State.client.close()
    _State.client, _State.url, _State.scripts = None, "", {}
    _State.down_until, _State.stale = 0.0, set()


def call(operation):
    """operation(conn) → its result, or None when Redis is unavailable (the gate then cools
    down for COOLDOWN_SECONDS)."""
    conn = client()
    if conn is None:
        return None
    try:
        if _State.stale:
            stale, _State.stale = _State.stale, set()
            try:
                conn.delete(*[counter_key(i) for i in sorted(stale)])
            except ERRORS:
                _State.stale |= stale
                raise
        return operation(conn)
    except ERRORS as exc:
        log.warning("hold gate: Redis unavailable, using the database alone: %s", exc)
        _State.down_until = time.monotonic() + COOLDOWN_SECONDS
        return None


def run(name: str, keys: list, args: list):
    """A Lua script of lua/ (redis-py's Script: EVALSHA, loaded again after a restart)."""

    def go(conn):
        if name not in _State.scripts:
            _State.scripts[name] = conn.register_script((LUA_DIR / f"{name}.lua").read_text())
        return _State.scripts[name](keys=keys, args=args)

    return call(go)


# --- Counters -------------------------------------------------------------------------


def take(quantities: dict[int, int], capacities: dict[int, int]):
    """Take every quantity or none. Returns (True, None), (False, the short ticket type id),
    (None, missing id) for a counter to rebuild, or None when the gate is unavailable."""
    ids = sorted(quantities)
    result = run(
        "take_quantity",
        [counter_key(i) for i in ids],
        [quantities[i] for i in ids] + [capacities[i] for i in ids],
    )
    if result is None:
        return None
    status, index = int(result[0]), int(result[1]) - 1
    if status == 1:
        return True, None
    return (False if status == 0 else None), ids[index]


def give_back(quantities: dict[int, int]) -> None:
    ids = sorted(i for i, q in quantities.items() if q)
    keys = [counter_key(i) for i in ids]
    if ids and run("give_back", keys, [quantities[i] for i in ids]) is None:
        _State.stale.update(ids)
        log.warning("hold gate: give-back of %s failed (Redis unavailable)", quantities)


def set_counters(rows: dict[int, tuple[int, int]], *, force: bool = False):
    """rows: {ticket type id: (capacity, left)} read from the database under the rows'
    locks. Only missing counters are written unless `force` (reconcile)."""
    ids = sorted(rows)
    args = ["force" if force else "nx"]
    for i in ids:
        args += list(rows[i])
    return run("set_counters", [counter_key(i) for i in ids], args)


def counters(ticket_type_ids) -> dict[int, int | None] | None:
    """{ticket type id: left, or None when missing}; None when the gate is unavailable."""
    ids = list(ticket_type_ids)

    def read(conn):
        pipe = conn.pipeline(transaction=False)  # one round trip
        for i in ids:
            pipe.hget(counter_key(i), "left")
        return pipe.execute()

    values = call(read)
    if values is None:
        return None
    return {i: (None if v is None else int(v)) for i, v in zip(ids, values, strict=True)}


def forget_counters(ticket_type_ids) -> None:
    keys = [counter_key(int(i)) for i in ticket_type_ids]
    if keys:
        call(lambda conn: conn.delete(*keys))


# --- Seats ----------------------------------------------------------------------------


def claim_seats(seat_ids, *, owner: str, ttl_seconds: float):
    """Claim all seats or none. 0 when claimed, else the seat id someone else has; None
    when the gate is unavailable."""
    ids = sorted(int(s) for s in seat_ids)
    result = run("claim_seats", [seat_key(s) for s in ids], [owner, int(ttl_seconds * 1000)])
    if result is None:
        return None
    return 0 if int(result) == 0 else ids[int(result) - 1]


def release_seats(seat_ids, *, owner: str, sold: bool = False) -> None:
    keys = [seat_key(int(s)) for s in seat_ids]
    if keys:
        run("release_seats", keys, [owner, "sold" if sold else "released"])


def free_seats(seat_ids) -> None:
    """A sold seat went back on sale (refund): drop whatever claim the gate has on it."""
    keys = [seat_key(int(s)) for s in seat_ids]
    if keys:
        call(lambda conn: conn.delete(*keys))


def missing_seats(claims: dict[int, tuple[str, float | None]]) -> None:
    """Reconcile: write the database's live claims {seat: (owner, ttl s or None for sold)}
    that Redis lost."""

    def write(conn):
        owners = conn.mget([seat_key(s) for s in claims])
        pipe = conn.pipeline(transaction=False)
        for (seat, (owner, ttl)), current in zip(claims.items(), owners, strict=True):
            if current is None:
                pipe.set(seat_key(seat), owner, px=None if ttl is None else int(ttl * 1000))
        pipe.execute()

    if claims:
        call(write)


def throttle(name: str, seconds: float) -> bool:
    """True at most once per `seconds` across all processes (and always without Redis)."""
    key, ms = f"{PREFIX}throttle:{name}", int(seconds * 1000)
    result = call(lambda conn: conn.set(key, 1, nx=True, px=ms))
    return True if result is None else bool(result)
