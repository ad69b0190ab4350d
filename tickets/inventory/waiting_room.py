"""The waiting room of an on-sale: a fair queue in front of the selector (DESIGN.md §2).

On when the organizer switches it on, or by itself for a while when more buyers arrive in a
second than the sale admits in a minute. Those who arrive before the opening (the earliest
sales start) are drawn into a random order at the opening; later arrivals queue behind them,
first come first served. The queue is keyed by account, so tabs, reloads and other sessions
of one account share one place. Buyers leave the front at what the server sustains (the
organizer's figure, or the site's) while any ticket is left by the gate's counters, and not
while every ticket is held (holds lapse within the hold time and then buyers move again);
for the first minute after the opening, not while the crowd is still pouring in faster
than that (a buyer let in then would wait behind it at every step). An admitted buyer's
pass goes to one session: a signed cookie naming the event, the account and the session,
good for WAITING_ROOM_PASS_SECONDS. A forged, expired or copied pass admits nobody.

A poll costs no database query: the buyer is known by the session (no user row is read),
the room by a snapshot in the cache that the event's cache version invalidates (any edit of
the event, its ticket types or seats, and a sell-out, bump it), what is left by the gate's
counters the inventory services keep in step, and the place by one Lua script. Lapsed holds
are released by beat, or here only when nothing is left to admit buyers to.

The queue lives in Redis only; nothing per waiting buyer is written to PostgreSQL. If Redis
loses it, whoever holds a pass keeps it and the others join again; a pass is never issued
twice to one session, and overselling stays impossible whatever happens here (the
database decides every hold). Without Redis there is no queue: the sale goes on through the
database alone, which is correct, only less fair in a rush.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from events import cache as event_cache
from events.cache import event_versions
from events.models import Event
from tickets.inventory import gate, holds
from tickets.models import WaitingRoom

PASS_COOKIE = "onsale_pass_{}"
_SALT = "tickets.waiting_room.pass"
_KEY_LIFE = 6 * 3600  # the queue of an on-sale is forgotten six hours after its last use
# For the first minute after the opening, a rush (more visits to the queue in a second
# than the sale lets in buyers a minute) holds admissions until it has been answered.
RUSH_SECONDS = 60
ROOM_CACHE_SECONDS = 300
# The longest a waiting buyer goes without news (a sell-out): ten thousand waiting then
# cost about a hundred polls a second, not thousands.
MAX_POLL_SECONDS = 180


def _keys(event_id: int, *names: str) -> list[str]:
    return [f"wr:{event_id}:{name}" for name in names]


@dataclass(frozen=True)
class Room:
    """What the queue needs to know about an event's on-sale, cached (see the module)."""

    event_id: int
    slug: str
    enabled: bool  # the organizer's switch
    per_minute: int  # what the server sustains: the organizer's figure or the site's
    opens_at: datetime | None
    type_ids: tuple[int, ...]  # visible ticket types whose sales have not ended
    sold_out: bool  # every one of them sold (held tickets may still come back)
    title: str = ""  # what the queue page shows of the event
    venue: str = ""
    starts_at: datetime | None = None
    version: int | None = None


@dataclass
class Place:
    """Where a buyer stands: `state` is 'draw' (before the opening), 'queued', 'admitted'
    (this session holds the pass), 'elsewhere' (another session of the account does),
    'sold_out' or 'off' (no queue: go to the selector)."""

    state: str
    ahead: int = 0
    in_draw: int = 0
    per_minute: int = 0
    opens_at: object = None

    @property
    def position(self) -> int:
        return self.ahead + 1

    @property
    def wait_minutes(self) -> int:
        return math.ceil(self.ahead / self.per_minute) if self.per_minute else 0

    @property
    def poll_seconds(self) -> int:
        """When to ask again: often near the front, half the wait further back (so a crowd
        of thousands does not poll every few seconds), at the opening for the draw."""
        base = settings.WAITING_ROOM_POLL_SECONDS
        if self.state == "queued" and self.per_minute:
            later = self.ahead * 60 / self.per_minute / 2
        elif self.state == "draw" and self.opens_at is not None:
            later = (self.opens_at - timezone.now()).total_seconds()
        else:
            later = 0
        return int(max(base, min(later, MAX_POLL_SECONDS)))


def opens_at(types):
    """The opening of the on-sale: the earliest sales start of its visible ticket types."""
    return min((t.sales_start for t in types if t.is_visible and t.sales_start), default=None)


def room_of(event: Event) -> WaitingRoom | None:
    """The organizer's settings row (the organizer's page; buyers read `room`)."""
    return WaitingRoom.objects.filter(event=event).first()


def _room_key(slug: str) -> str:
    return f"wr:room:{slug}"


def room(slug: str) -> Room | None:
    """The room of the published event `slug` (None: no such event): the cached snapshot
    while the event's cache version is the one it was built under, else from the database."""
    cached = cache.get(_room_key(slug)) if event_cache.available() else None
    if cached is not None and _current(cached):
        return cached
    event = (
        Event.objects.select_related("venue")
        .filter(slug=slug, status=Event.Status.PUBLISHED)
        .first()
    )
    if event is None:
        if event_cache.available():
            cache.delete(_room_key(slug))
        return None
    version = (event_versions([event.pk]) or {}).get(event.pk)  # read before the rows
    row = room_of(event)
    now = timezone.now()
    types = [t for t in event.ticket_types.filter(is_visible=True) if not _ended(t, now)]
    built = Room(
        event_id=event.pk,
        slug=slug,
        enabled=bool(row and row.enabled),
        per_minute=sustainable_per_minute(row),
        opens_at=opens_at(types),
        type_ids=tuple(t.pk for t in types),
        sold_out=all(t.sold >= t.capacity for t in types),
        title=event.title,
        venue=str(event.venue),
        starts_at=event.starts_at,
        version=version,
    )
    # Rebuilt when a sale ends, too (a type whose sales ended leaves the room's stock).
    ends = [t.sales_end for t in types if t.sales_end] + [event.ends_at]
    ttl = min(ROOM_CACHE_SECONDS, (min(ends) - now).total_seconds())
    if version is not None and ttl >= 1:
        cache.set(_room_key(slug), built, int(ttl))
    return built


def _current(snapshot: Room) -> bool:
    versions = event_versions([snapshot.event_id]) or {}
    return snapshot.version is not None and versions.get(snapshot.event_id) == snapshot.version


def _ended(ticket_type, now) -> bool:
    return bool(ticket_type.sales_end and now >= ticket_type.sales_end)


def is_on(event_room: Room | None) -> bool:
    """Whether buyers of this event queue first (the organizer's switch, or the automatic
    one set by a rush; never without Redis)."""
    if event_room is None or gate.client() is None:
        return False
    if event_room.enabled:
        return True
    return bool(gate.call(lambda conn: conn.exists(*_keys(event_room.event_id, "auto"))))


def note_arrival(event: Event) -> None:
    """Count a buyer arriving at the selector; more in one second than the sale admits in a
    minute switches the waiting room on for the next ten minutes."""
    second = int(time.time())
    key, auto = _keys(event.pk, f"arrivals:{second}", "auto")

    def count(conn):
        pipe = conn.pipeline()
        pipe.incr(key)
        pipe.expire(key, 5)
        return pipe.execute()[0]

    arrivals = gate.call(count)
    event_room = room(event.slug)
    if arrivals and event_room and arrivals > event_room.per_minute:
        gate.call(lambda conn: conn.set(auto, 1, ex=600))


def sustainable_per_minute(row: WaitingRoom | None) -> int:
    chosen = row.admissions_per_minute if row is not None else 0
    return chosen or settings.WAITING_ROOM_ADMISSIONS_PER_MINUTE


def admissions_per_minute(event_room: Room, left: int) -> int:
    """What the server sustains while any ticket is left; none while every ticket is held or
    sold (held tickets come back when their holds lapse, within one hold time). Letting in a
    few more than can buy costs them a look at "sold out" and the waitlist, what the queue
    would have told them; letting in fewer leaves tickets unsold while the crowd waits."""
    return event_room.per_minute if left > 0 else 0


def _left(event_room: Room) -> int | None:
    """Tickets left (neither held nor sold) by the gate's counters; missing counters (Redis
    lost them) are rebuilt from the database first."""
    counters = gate.counters(event_room.type_ids)
    if counters is None:
        return None
    missing = [pk for pk, left in counters.items() if left is None]
    if missing:
        holds.rebuild_counters(missing)
        counters = gate.counters(event_room.type_ids) or {}
    return sum(max(left or 0, 0) for left in counters.values())


def _now_ms() -> int:
    return int(time.time() * 1000)


def join(
    event_room: Room, *, account_id: int, session_key: str, arrived_at: float | None = None
) -> Place:
    """Join (or look up) this account's place, after letting in whoever is due. A newcomer's
    place follows `arrived_at`, when the request reached the site (epoch seconds; now if
    not given)."""
    if event_room.sold_out:
        return Place("sold_out")
    left = _left(event_room)
    if left is None:
        return Place("off")
    if left == 0:
        # Everything is held: lapsed holds go back now (at most every two seconds), so the
        # queue moves again without waiting for beat.
        holds.sweep_event(Event(pk=event_room.event_id))
    per_minute = admissions_per_minute(event_room, left)
    opening = event_room.opens_at
    now = _now_ms()
    second = now // 1000
    keys = _keys(event_room.event_id, "draw", "queue", "numbers", "opened", "admitted", "clock")
    keys += _keys(event_room.event_id, f"visits:{second}", f"visits:{second - 1}")
    args = [account_id, session_key, now, int(opening.timestamp() * 1000) if opening else 0]
    args += [_KEY_LIFE, per_minute, event_room.per_minute, RUSH_SECONDS * 1000]
    args.append(int(arrived_at * 1_000_000) if arrived_at else now * 1000)
    result = gate.run("queue_join", keys, args)
    if result is not None and result[0] == b"opening":
        _open(event_room.event_id)
        result = gate.run("queue_join", keys, args)
    if result is None:
        return Place("off")
    state, count = result[0].decode(), int(result[1])
    shown_rate = per_minute or event_room.per_minute  # the estimate once stock comes back
    if state == "draw":
        return Place("draw", in_draw=count, per_minute=shown_rate, opens_at=opening)
    return Place(state, ahead=count, per_minute=shown_rate)


def _open(event_id: int) -> None:
    """The draw: arrivals before the opening, in a random order (the system's randomness)."""
    draw, queue, numbers, opened = _keys(event_id, "draw", "queue", "numbers", "opened")
    members = gate.call(lambda conn: conn.smembers(draw)) or set()
    order = [m.decode() for m in members]
    random.SystemRandom().shuffle(order)
    gate.run("queue_open", [draw, queue, numbers, opened], [_KEY_LIFE, *order])


# --- The buyer and the pass ----------------------------------------------------------------


def account_of(request) -> int | None:
    """The buyer's account id from the session alone, signed in or the session's guest
    (accounts.guests): the queue reads no user row. (Django's auth checks the account on
    every other page; a session its password change ended can wait in the queue, but its
    pass is bound to a session that is signed out on the first page that loads the user.)"""
    from accounts.guests import session_guest_id

    try:
        return int(request.session[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return session_guest_id(request)


def issue_pass(response, *, event_id: int, account_id: int, session_key: str) -> None:
    token = signing.dumps({"e": event_id, "a": account_id, "s": session_key}, salt=_SALT)
    response.set_cookie(
        PASS_COOKIE.format(event_id),
        token,
        max_age=settings.WAITING_ROOM_PASS_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def has_pass(request, event_id: int) -> bool:
    """A pass for this event, signed by us, not expired, issued to this account and to this
    very session (a copy in another browser admits nobody)."""
    token = request.COOKIES.get(PASS_COOKIE.format(event_id))
    account = account_of(request)
    if not token or account is None:
        return False
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.WAITING_ROOM_PASS_SECONDS)
    except signing.BadSignature:  # forged, altered or expired
        return False
    return data == {"e": event_id, "a": account, "s": request.session.session_key}


def can_run() -> bool:
    """Whether rooms can queue anyone here: the queue lives in Redis, so without it (the
    embedded defaults, or Redis unreachable a moment ago) buyers go straight to the tickets."""
    return gate.client() is not None


def must_queue(request, event: Event) -> bool:
    """Whether this request has to go through the waiting room first (never without Redis:
    then not even the room's snapshot is read)."""
    if not can_run():
        return False
    return is_on(room(event.slug)) and not has_pass(request, event.pk)


def configure(*, event: Event, enabled: bool, admissions_per_minute: int | None) -> WaitingRoom:
    row, _created = WaitingRoom.objects.update_or_create(
        event=event,
        defaults={"enabled": enabled, "admissions_per_minute": admissions_per_minute or 0},
    )
    cache.delete(_room_key(event.slug))
    # The event page says "join the queue" or shows the selector: its cached copy goes too.
    event_cache.bump_event(event.pk, listing=False)
    return row
