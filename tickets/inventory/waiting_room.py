"""The waiting room of an on-sale: a fair queue in front of the selector (DESIGN.md §2).

On when the organizer switches it on, or by itself for a while when more buyers arrive in a
second than the sale admits in a minute. Those who arrive before the opening (the earliest
sales start) are drawn into a random order at the opening; later arrivals queue behind them,
first come first served. The queue is keyed by account, so tabs, reloads and other sessions
of one account share one place. Buyers leave the front at a rate worked out from the stock
left, the hold time and what the server sustains (the organizer's figure, or the site's),
and an admitted buyer's pass goes to one session: a signed cookie naming the event, the
account and the session, good for WAITING_ROOM_PASS_SECONDS. A forged, expired or copied
pass admits nobody.

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

from django.conf import settings
from django.core import signing
from django.utils import timezone

from events.models import Event
from tickets.inventory import gate
from tickets.models import WaitingRoom

PASS_COOKIE = "onsale_pass_{}"
_SALT = "tickets.waiting_room.pass"
_KEY_LIFE = 6 * 3600  # the queue of an on-sale is forgotten six hours after its last use
# Over one hold time, a quarter more buyers than tickets left are let in (some abandon).
OVERBOOKING = 1.25


def _keys(event_id: int, *names: str) -> list[str]:
    return [f"wr:{event_id}:{name}" for name in names]


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


def opens_at(types):
    """The opening of the on-sale: the earliest sales start of its visible ticket types."""
    return min((t.sales_start for t in types if t.is_visible and t.sales_start), default=None)


def room_of(event: Event) -> WaitingRoom | None:
    """The event's room (read once per request: kept on this Event instance)."""
    if not hasattr(event, "_waiting_room_row"):
        event._waiting_room_row = WaitingRoom.objects.filter(event=event).first()
    return event._waiting_room_row


def is_on(event: Event) -> bool:
    """Whether buyers of this event queue first (the organizer's switch, or the automatic
    one set by a rush; never without Redis)."""
    if gate.client() is None:
        return False
    room = room_of(event)
    if room is not None and room.enabled:
        return True
    return bool(gate.call(lambda conn: conn.exists(*_keys(event.pk, "auto"))))


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
    if arrivals and arrivals > sustainable_per_minute(room_of(event)):
        gate.call(lambda conn: conn.set(auto, 1, ex=600))


def sustainable_per_minute(room: WaitingRoom | None) -> int:
    chosen = room.admissions_per_minute if room is not None else 0
    return chosen or settings.WAITING_ROOM_ADMISSIONS_PER_MINUTE


def admissions_per_minute(event: Event, left: int) -> int:
    by_stock = math.ceil(left * OVERBOOKING * 60 / max(settings.HOLD_SECONDS, 1))
    return max(1, min(sustainable_per_minute(room_of(event)), by_stock))


def _now_ms() -> int:
    return int(time.time() * 1000)


def join(event: Event, *, account_id: int, session_key: str, types) -> Place:
    """Join (or look up) this account's place, after letting in whoever is due. `types`:
    the event's ticket types as read now (what is left decides the rate, or a sell-out)."""
    now = timezone.now()
    left = sum(
        t.available for t in types if t.is_visible and not (t.sales_end and now >= t.sales_end)
    )
    if left <= 0:
        return Place("sold_out")
    per_minute = admissions_per_minute(event, left)
    opening = opens_at(types)
    opening_ms = int(opening.timestamp() * 1000) if opening else 0
    draw, queue, numbers, opened, admitted, clock = _keys(
        event.pk, "draw", "queue", "numbers", "opened", "admitted", "clock"
    )
    args = [account_id, _now_ms(), opening_ms, _KEY_LIFE]
    result = gate.run("queue_join", [draw, queue, numbers, opened, admitted], args)
    if result is not None and result[0] == b"opening":
        _open(event.pk)
        result = gate.run("queue_join", [draw, queue, numbers, opened, admitted], args)
    if result is None:
        return Place("off")
    state, count = result[0].decode(), int(result[1])
    if state == "draw":
        return Place("draw", in_draw=count, per_minute=per_minute, opens_at=opening)
    gate.run("queue_admit", [queue, admitted, clock], [_now_ms(), per_minute, _KEY_LIFE])
    claimed = gate.run("queue_claim", [admitted], [account_id, session_key])
    if claimed == 1:
        return Place("admitted")
    if claimed == 0:
        return Place("elsewhere")
    ahead = gate.call(lambda conn: conn.zrank(queue, account_id))
    return Place("queued", ahead=int(ahead or 0), per_minute=per_minute)


def _open(event_id: int) -> None:
    """The draw: arrivals before the opening, in a random order (the system's randomness)."""
    draw, queue, numbers, opened = _keys(event_id, "draw", "queue", "numbers", "opened")
    members = gate.call(lambda conn: conn.smembers(draw)) or set()
    order = [m.decode() for m in members]
    random.SystemRandom().shuffle(order)
    gate.run("queue_open", [draw, queue, numbers, opened], [_KEY_LIFE, *order])


# --- The pass ------------------------------------------------------------------------------


def issue_pass(response, *, event: Event, account_id: int, session_key: str) -> None:
    token = signing.dumps({"e": event.pk, "a": account_id, "s": session_key}, salt=_SALT)
    response.set_cookie(
        PASS_COOKIE.format(event.pk),
        token,
        max_age=settings.WAITING_ROOM_PASS_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def has_pass(request, event: Event) -> bool:
    """A pass for this event, signed by us, not expired, issued to this account and to this
    very session (a copy in another browser admits nobody)."""
    from accounts.guests import current_buyer

    token = request.COOKIES.get(PASS_COOKIE.format(event.pk))
    buyer = current_buyer(request) if token else None  # the signed-in user or the guest
    if buyer is None:
        return False
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.WAITING_ROOM_PASS_SECONDS)
    except signing.BadSignature:  # forged, altered or expired
        return False
    return data == {"e": event.pk, "a": buyer.pk, "s": request.session.session_key}


def must_queue(request, event: Event) -> bool:
    """Whether this request has to go through the waiting room first."""
    return is_on(event) and not has_pass(request, event)


def opening_in_future(place: Place) -> bool:
    return place.opens_at is not None and place.opens_at > timezone.now()


def configure(*, event: Event, enabled: bool, admissions_per_minute: int | None) -> WaitingRoom:
    room, _created = WaitingRoom.objects.update_or_create(
        event=event,
        defaults={"enabled": enabled, "admissions_per_minute": admissions_per_minute or 0},
    )
    return room
