"""The Redis gate in front of the stock rows (DESIGN.md §2).

Lua scripts (tickets/lua/*.lua) atomically take quantity from a per-ticket-type counter, or
claim a set of seats all or nothing with an expiry, so the crowd that cannot get a ticket is
turned away without touching the hot database row. The gate is never the last word: the
database step must agree, and the caller undoes the gate step when it does not.

Every function here answers ``None`` (or does nothing) when Redis is not configured or not
answering; the caller then goes through the database alone, which is always correct.
A raw redis-py client with short timeouts is used on purpose: the Django cache ignores
exceptions, which would hide a failed take or give-back.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)

LUA_DIR = Path(__file__).resolve().parent / "lua"
PREFIX = "gate:"
# After a connection failure the gate is skipped for this long (no timeout per request).
COOLDOWN_SECONDS = 2.0
ERRORS = (redis.ConnectionError, redis.TimeoutError, OSError)


def counter_key(ticket_type_id: int) -> str:
    return f"{PREFIX}tt:{ticket_type_id}:left"


def seat_key(seat_id: int) -> str:
    return f"{PREFIX}seat:{seat_id}"


class _State:
    client: redis.Redis | None = None
    url: str = ""
    shas: dict[str, str] = {}  # noqa: RUF012 - process-wide cache
    sources: dict[str, str] = {}  # noqa: RUF012
    down_until: float = 0.0
    # Counters this process could not give stock back to during an outage (give_back):
    # dropped when Redis answers again, then rebuilt from the database.
    stale: set[int] = set()  # noqa: RUF012


# The scripts a hold request calls count its rate limits in the same round trip: the shared
# prelude (lua/_rate_limits.lua) is put in front of them when they are loaded.
WITH_RATE_LIMITS = frozenset({"take_quantity", "claim_seats", "hit_limits"})


def _source(name: str) -> str:
    if name not in _State.sources:
        source = (LUA_DIR / f"{name}.lua").read_text()
        if name in WITH_RATE_LIMITS:
            source = (LUA_DIR / "_rate_limits.lua").read_text() + source
        _State.sources[name] = source
    return _State.sources[name]


def _with_limits(limits, keys: list, args: list) -> tuple[list, list]:
    """Keys and arguments of a script that starts with the rate-limit prelude: the limits'
    counters and (count, limit, window, ...) go first. `limits`: (name, limit, window s)."""
    limit_keys = [f"{PREFIX}rate:{name}" for name, _limit, _window in limits]
    limit_args = [len(limit_keys)]
    for _name, limit, window in limits:
        limit_args += [int(limit), int(window)]
    return limit_keys + keys, limit_args + args


def client() -> redis.Redis | None:
    """The gate's Redis client, or None when the gate is off or recently unreachable."""
    url = getattr(settings, "REDIS_URL", "") or ""
    if not url or not getattr(settings, "HOLD_GATE_ENABLED", True):
        return None
    if time.monotonic() < _State.down_until:
        return None
    if _State.client is None or _State.url != url:
        timeout = getattr(settings, "HOLD_GATE_TIMEOUT_SECONDS", 0.3)
        _State.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry_on_timeout=False
        )
        _State.url = url
        _State.shas = {}
    return _State.client


def reset() -> None:
    """Forget the client, the script hashes and any cool-down (tests, settings changes)."""
    if _State.client is not None:
        with contextlib.suppress(Exception):
            _State.client.close()
    _State.client = None
    _State.url = ""
    _State.shas = {}
    _State.down_until = 0.0
    _State.stale = set()


def _mark_down(exc: Exception) -> None:
    log.warning("hold gate: Redis unavailable, using the database alone: %s", exc)
    _State.down_until = time.monotonic() + COOLDOWN_SECONDS


def _run(name: str, keys: list[str], args: list) -> object:
    """EVALSHA a script (loaded once per process; reloaded on NOSCRIPT, e.g. after a restart).

    Raises the redis error; callers decide what unavailability means.
    """
    conn = client()
    if conn is None:
        raise redis.ConnectionError("gate disabled")
    sha = _State.shas.get(name)
    if sha is None:
        sha = _State.shas[name] = conn.script_load(_source(name))
    try:
        return conn.evalsha(sha, len(keys), *keys, *args)
    except redis.exceptions.NoScriptError:
        sha = _State.shas[name] = conn.script_load(_source(name))
        return conn.evalsha(sha, len(keys), *keys, *args)


def _guarded(name: str, keys: list[str], args: list):
    """Run a script; None when Redis is unavailable (and the gate cools down)."""
    if client() is None:
        return None
    try:
        if _State.stale:
            _drop_stale()
        return _run(name, keys, args)
    except ERRORS as exc:
        _mark_down(exc)
        return None


# --- Counters -------------------------------------------------------------------------


def database_available(ticket_type_id: int, *, lock: bool) -> int:
    from events.models import TicketType

    qs = TicketType.objects.filter(pk=ticket_type_id)
    if lock:
        qs = qs.select_for_update()
    row = qs.values("capacity", "held", "sold").first()
    if row is None:
        return 0
    return max(row["capacity"] - row["held"] - row["sold"], 0)


def rebuild(ticket_type_id: int) -> int | None:
    """Create a missing counter from the database: capacity − sold − active holds.

    The row lock serialises the read with every hold, release and sale of this ticket type,
    and the script only sets an absent key, so concurrent rebuilds cannot double-count; the
    worst a racing request can do is leave the counter a little high, which the database
    step then corrects (it is never the last word), never low.
    """
    rebuilt = rebuild_many([ticket_type_id])
    return None if rebuilt is None else rebuilt[ticket_type_id]


def rebuild_many(ticket_type_ids) -> dict[int, int] | None:
    """rebuild() for several ticket types: one locking query, one script call."""
    from events.models import TicketType

    ids = sorted({int(i) for i in ticket_type_ids})
    if not ids:
        return {}
    with transaction.atomic():
        rows = {
            pk: max(capacity - held - sold, 0)
            for pk, capacity, held, sold in TicketType.objects.filter(pk__in=ids)
            .order_by("pk")  # a fixed lock order, like every other stock update
            .select_for_update()
            .values_list("pk", "capacity", "held", "sold")
        }
        values = [rows.get(pk, 0) for pk in ids]
        result = _guarded("init_counter", [counter_key(pk) for pk in ids], values)
    if result is None:
        return None
    return {pk: int(v) for pk, v in zip(ids, result, strict=True)}


@dataclass
class Taken:
    ok: bool
    left: dict[int, int]  # counter values after the take (only when ok)
    short: int | None = None  # the ticket type that had too few (when not ok)
    buyer_has_hold: bool = False  # (when not ok) the buyer holds something at this event
    sweep: bool = False  # (when not ok) this caller should look for lapsed holds
    limited: bool = False  # (when not ok) over a rate limit: nothing was looked at


def take(
    quantities: dict[int, int], *, event_id: int = 0, buyer_id: int = 0, limits=()
) -> Taken | None:
    """Take every quantity or none, after counting the request against `limits` ((name,
    limit, window seconds), see hit_limits) in the same call. None: the gate is unavailable,
    use the database alone (the limits were not counted)."""
    ids = sorted(quantities)
    keys = [counter_key(i) for i in ids]
    keys += [buyer_key(event_id, buyer_id), f"{PREFIX}throttle:sweep:tt:{ids[0]}"]
    args = [int(quantities[i]) for i in ids] + [1000]
    for _attempt in range(3):
        result = _guarded("take_quantity", *_with_limits(limits, keys, args))
        if result is None:
            return None
        limits = ()  # counted: a retry after a rebuild does not count the request again
        status = int(result[0])
        if status == -2:
            return Taken(False, {}, limited=True)
        if status == 1:
            return Taken(True, {i: int(v) for i, v in zip(ids, result[1:], strict=True)})
        if status == 0:
            return Taken(
                False,
                {},
                short=ids[int(result[1]) - 1],
                buyer_has_hold=bool(int(result[2])),
                sweep=bool(int(result[3])),
            )
        if rebuild(ids[int(result[1]) - 1]) is None:
            return None
    return None


def give_back(quantities: dict[int, int]) -> dict[int, int] | None:
    """Return stock to the counters (missing counters stay missing: a rebuild counts it)."""
    ids = sorted(i for i, q in quantities.items() if q)
    if not ids:
        return {}
    result = _guarded("give_back", [counter_key(i) for i in ids], [quantities[i] for i in ids])
    if result is None:
        # The database has the stock back; the counter is now low. Adding the stock later
        # would count it twice if another process rebuilt the counter meanwhile (which
        # counts it from the database), so the counter is dropped instead and rebuilt.
        _State.stale.update(ids)
        log.warning("hold gate: give-back of %s failed (Redis unavailable)", quantities)
        return None
    return {i: int(v) for i, v in zip(ids, result, strict=True)}


def _drop_stale() -> None:
    """Drop the counters this process failed to give stock back to: the next take rebuilds
    them from the database (capacity − sold − held, under the row lock), whatever happened
    to Redis during the outage."""
    conn = client()
    stale, _State.stale = _State.stale, set()
    try:
        conn.delete(*[counter_key(i) for i in sorted(stale)])
    except ERRORS:
        _State.stale |= stale
        raise


def heal_if_stuck(ticket_type_id: int, database: int, *, quiet_seconds: float = 2.0) -> bool:
    """The counter says fewer than the database. In a rush that is normal for a moment
    (takes in flight between the Redis and the database step), so heal only when the same
    pair (counter, database) has been seen with at least `quiet_seconds` between: nothing
    moved, the drift is real. Heals under the row lock; True when it changed the counter."""
    conn = client()
    if conn is None:
        return False
    key = f"{PREFIX}heal:{ticket_type_id}"
    try:
        current = conn.get(counter_key(ticket_type_id))
        if current is None or int(current) >= database:
            conn.delete(key)
            return False
        sample = f"{int(current)}:{database}"
        seen = conn.get(key)
        now = time.time()
        if seen is None or seen.decode().rsplit(":", 1)[0] != sample:
            conn.set(key, f"{sample}:{now}", ex=60)
            return False
        if now - float(seen.decode().rsplit(":", 1)[1]) < quiet_seconds:
            return False
        conn.delete(key)
    except ERRORS as exc:
        _mark_down(exc)
        return False
    with transaction.atomic():
        fresh = database_available(ticket_type_id, lock=True)
        previous = set_counter(ticket_type_id, fresh)
    log.warning(
        "hold gate: healed counter of ticket type %s from %s to %s", ticket_type_id, previous, fresh
    )
    return previous is not False


def counters(ticket_type_ids) -> dict[int, int | None] | None:
    conn = client()
    ids = list(ticket_type_ids)
    if conn is None or not ids:
        return None if conn is None else {}
    try:
        values = conn.mget([counter_key(i) for i in ids])
    except ERRORS as exc:
        _mark_down(exc)
        return None
    return {i: (None if v is None else int(v)) for i, v in zip(ids, values, strict=True)}


def set_counter(ticket_type_id: int, value: int) -> int | None | bool:
    """Overwrite a counter (reconcile). Returns the previous value, None if it was missing,
    False when Redis is unavailable."""
    conn = client()
    if conn is None:
        return False
    try:
        previous = _run("set_counter", [counter_key(ticket_type_id)], [int(value)])
    except ERRORS as exc:
        _mark_down(exc)
        return False
    return None if previous is None else int(previous)


# --- Seats ----------------------------------------------------------------------------


@dataclass
class Claimed:
    ok: bool
    seat: int | None = None  # the first seat someone else has (when not ok)
    buyer_has_hold: bool = False
    sweep: bool = False
    limited: bool = False  # over a rate limit: no seat was looked at


def claim_seats(
    seat_ids,
    *,
    owner: str,
    ttl_seconds: float,
    event_id: int = 0,
    buyer_id: int = 0,
    limits=(),
) -> Claimed | None:
    """Claim all seats for `owner` with an expiry, all or nothing, after counting the
    request against `limits` in the same call. None = the gate is unavailable (use the
    database alone; the limits were not counted)."""
    ids = sorted(int(s) for s in seat_ids)
    keys = [seat_key(s) for s in ids]
    keys += [buyer_key(event_id, buyer_id), f"{PREFIX}throttle:sweep:seats:{event_id}"]
    args = [owner, max(int(ttl_seconds * 1000), 1), 1000]
    result = _guarded("claim_seats", *_with_limits(limits, keys, args))
    if result is None:
        return None
    if int(result[0]) == -2:
        return Claimed(False, limited=True)
    if int(result[0]) == 0:
        return Claimed(True)
    return Claimed(
        False,
        seat=ids[int(result[0]) - 1],
        buyer_has_hold=bool(int(result[1])),
        sweep=bool(int(result[2])),
    )


def rename_claims(seat_ids, *, owner: str, new_owner: str) -> bool | None:
    """Hand `owner`'s claims on these seats to `new_owner` (same expiry). True when every
    seat was handed over; None when Redis is unavailable."""
    ids = sorted(int(s) for s in seat_ids)
    result = _guarded("rename_claims", [seat_key(s) for s in ids], [owner, new_owner])
    return None if result is None else int(result) == len(ids)


def release_seats(seat_ids, *, owner: str) -> None:
    ids = sorted(int(s) for s in seat_ids)
    if ids:
        _guarded("release_seats", [seat_key(s) for s in ids], [owner])


def sell_seats(seat_ids, *, owner: str) -> None:
    ids = sorted(int(s) for s in seat_ids)
    if ids:
        _guarded("sell_seats", [seat_key(s) for s in ids], [owner])


def free_seats(seat_ids) -> None:
    """A sold seat went back on sale (refund): drop whatever claim the gate has on it."""
    conn = client()
    ids = [seat_key(int(s)) for s in seat_ids]
    if conn is None or not ids:
        return
    try:
        conn.delete(*ids)
    except ERRORS as exc:
        _mark_down(exc)


def seat_owners(seat_ids) -> dict[int, str | None] | None:
    conn = client()
    ids = [int(s) for s in seat_ids]
    if conn is None:
        return None
    if not ids:
        return {}
    try:
        values = conn.mget([seat_key(s) for s in ids])
    except ERRORS as exc:
        _mark_down(exc)
        return None
    return {s: (v.decode() if v is not None else None) for s, v in zip(ids, values, strict=True)}


def set_seats(claims: dict[int, tuple[str, float | None]]) -> bool:
    """Reconcile: write seat claims {seat_id: (owner, ttl seconds or None for sold)}."""
    conn = client()
    if conn is None:
        return False
    try:
        pipe = conn.pipeline(transaction=False)
        for seat_id, (owner, ttl) in claims.items():
            if ttl is None:
                pipe.set(seat_key(seat_id), owner)
            else:
                pipe.set(seat_key(seat_id), owner, px=max(int(ttl * 1000), 1))
        pipe.execute()
    except ERRORS as exc:
        _mark_down(exc)
        return False
    return True


def throttle(name: str, seconds: float) -> bool:
    """True at most once per `seconds` across all workers (and always without Redis)."""
    conn = client()
    if conn is None:
        return True
    try:
        return bool(conn.set(f"{PREFIX}throttle:{name}", 1, nx=True, px=int(seconds * 1000)))
    except ERRORS as exc:
        _mark_down(exc)
        return True


def forget_counters(ticket_type_ids) -> None:
    """Drop counters (the ticket type changed); the next take rebuilds them from the DB."""
    conn = client()
    keys = [counter_key(int(i)) for i in ticket_type_ids]
    if conn is None or not keys:
        return
    try:
        conn.delete(*keys)
    except ERRORS as exc:
        _mark_down(exc)


# --- Rate limits ------------------------------------------------------------------------


def hit_limits(limits: list[tuple[str, int, int]]) -> bool | None:
    """Count one request against each (name, limit, window seconds); True when any is over.
    None when Redis is unavailable (the caller counts elsewhere)."""
    result = _guarded("hit_limits", *_with_limits(limits, [], []))
    return None if result is None else int(result) > 0


# --- Who holds what (so a sold-out answer can check the buyer's own hold cheaply) -------


def buyer_key(event_id: int, buyer_id: int) -> str:
    return f"{PREFIX}buyer:{event_id}:{buyer_id}"


def mark_buyer_hold(event_id: int, buyer_id: int, hold_id: int, *, ttl_seconds: float) -> None:
    conn = client()
    if conn is None:
        return
    try:
        conn.set(buyer_key(event_id, buyer_id), str(hold_id), px=max(int(ttl_seconds * 1000), 1))
    except ERRORS as exc:
        _mark_down(exc)


def unmark_buyer_hold(event_id: int, buyer_id: int, hold_id: str) -> None:
    # release_seats.lua deletes keys only while they still name this owner.
    _guarded("release_seats", [buyer_key(event_id, buyer_id)], [str(hold_id)])


def buyer_hold(event_id: int, buyer_id: int) -> bool:
    conn = client()
    if conn is None:
        return False
    try:
        return bool(conn.exists(buyer_key(event_id, buyer_id)))
    except ERRORS as exc:
        _mark_down(exc)
        return False
