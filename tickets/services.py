"""Holds and sales of stock. The database is the truth, Redis is the gate (DESIGN.md §2).

Every change of TicketType.held / sold is a conditional UPDATE inside a transaction, and a
CHECK constraint forbids held + sold > capacity. A hold's status change is the guard that
makes each release, expiry or sale happen exactly once; only the caller whose flip succeeded
touches Redis, after commit.

In front of that, ``tickets.gate`` takes quantity from per-ticket-type counters and claims
seats in Redis (Lua, all or nothing), so buyers who cannot get anything are turned away
without touching the hot row. When the database step fails, the gate step is undone; when
Redis is down, the database path alone still sells correctly.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from events.models import Event, Seat, TicketType
from getiickets.errors import DomainError
from tickets import gate
from tickets.limits import HoldRate, RateLimited
from tickets.memory import ShortMemory
from tickets.models import Hold, HoldLine, SeatClaim
from tickets.signals import stock_freed

log = logging.getLogger(__name__)


class SoldOut(DomainError):
    """Fewer tickets are left than you asked for."""

    status_code = 409


class SeatTaken(DomainError):
    """One of those seats has just been taken. Please pick again."""

    status_code = 409


class InvalidSelection(DomainError):
    """That selection is not available for this event."""

    status_code = 400


class HoldExpired(DomainError):
    """Your reservation has expired. Please choose your tickets again."""

    status_code = 410


class LimitExceeded(InvalidSelection):
    """That is more tickets than one account may buy for this event."""

    status_code = 400


class SalesClosed(InvalidSelection):
    """Tickets are not on sale right now."""

    status_code = 400


class SignedOut(DomainError):
    """Please sign in again to reserve tickets."""

    status_code = 403


class HoldInProgress(DomainError):
    """Another reservation of yours for this event is being made. Please try again."""

    status_code = 409


def hold_duration() -> timedelta:
    return timedelta(seconds=settings.HOLD_SECONDS)


# --- Small building blocks --------------------------------------------------------------


def _take(ticket_type_id: int, quantity: int) -> int | None:
    """Move `quantity` into `held` if that many are left; one statement, no race.

    Returns how many are left afterwards, or None when there were not enough.
    """
    table = TicketType._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET held = held + %s "  # noqa: S608 - table name from the model
            "WHERE id = %s AND held + sold + %s <= capacity "
            "RETURNING capacity - sold - held",
            [quantity, ticket_type_id, quantity],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _give(ticket_type_id: int, *, held: int = 0, sold: int = 0) -> int:
    """Take `held`/`sold` back off a ticket type; returns how many are left afterwards."""
    table = TicketType._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET held = held - %s, sold = sold - %s "  # noqa: S608
            "WHERE id = %s RETURNING capacity - sold - held",
            [held, sold, ticket_type_id],
        )
        row = cursor.fetchone()
    return 0 if row is None else int(row[0])


# How many times this process put each event's stock back on sale (releases, expiries):
# part of the key of what is shared for a moment per process (the selector's HTML), so a
# buyer sent back to the event after a release sees the tickets back at once. Everything
# else shows within half a second; holds do not redraw it (the on-sale rush is made of
# them, and their buyer goes on to checkout).
_stock_changes: dict[int, int] = {}


def local_stock_version(event_id: int) -> int:
    return _stock_changes.get(event_id, 0)


def _stock_changed(event_id: int) -> None:
    _stock_changes[event_id] = _stock_changes.get(event_id, 0) + 1


def _bump_event(event_id: int) -> None:
    """Availability crossed zero: let the events cache drop its copy (if it has the hook)."""
    try:
        from events.cache import bump_event
    except ImportError:
        return
    try:
        bump_event(event_id, listing=False)  # the lists showing it, not the whole catalogue
    except Exception:  # a cache hiccup must never break a sale
        log.exception("bump_event(%s) failed", event_id)


def _on_stock_freed(event_id: int, freed: dict[int, int], crossed_zero: bool) -> None:
    """After commit: the freed stock is back in the database; tell Redis and listeners."""
    _stock_changed(event_id)
    gate.give_back(freed)
    stock_freed.send(sender=Hold, ticket_type_ids=sorted(freed))
    if crossed_zero:
        _bump_event(event_id)


def check_event_on_sale(event: Event) -> None:
    if event.status != Event.Status.PUBLISHED or event.ends_at <= timezone.now():
        raise SalesClosed("This event is not on sale.")


def check_ticket_type(ticket_type: TicketType, quantity: int, *, seated: bool = False) -> None:
    now = timezone.now()
    if not ticket_type.is_visible:
        raise InvalidSelection()
    if ticket_type.sales_start and now < ticket_type.sales_start:
        local = timezone.localtime(ticket_type.sales_start)
        raise SalesClosed(
            f"{ticket_type.name} goes on sale on {local:%d %b %Y at %H:%M} (Lagos time)."
        )
    if ticket_type.sales_end and now >= ticket_type.sales_end:
        raise SalesClosed(f"Sales of {ticket_type.name} have ended.")
    if quantity > ticket_type.max_per_order:
        raise LimitExceeded(
            f"You can buy at most {ticket_type.max_per_order} {ticket_type.name} "
            "tickets in one order."
        )
    if not seated and quantity < ticket_type.min_per_order:
        raise LimitExceeded(
            f"{ticket_type.name} tickets are sold in orders of at least "
            f"{ticket_type.min_per_order}."
        )


def tickets_bought(*, buyer, event: Event) -> int:
    """Admissions this buyer has already paid for at this event."""
    from orders.models import Order, OrderItem

    return OrderItem.objects.filter(
        order__buyer=buyer,
        order__event=event,
        order__status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED],
    ).count()


def _check_account_limit(*, buyer, event: Event, quantity: int) -> None:
    limit = settings.MAX_TICKETS_PER_ACCOUNT_PER_EVENT
    already = tickets_bought(buyer=buyer, event=event)
    if already + quantity > limit:
        left = max(limit - already, 0)
        raise LimitExceeded(
            f"One account can buy at most {limit} tickets for this event; "
            + (f"you can add {left} more." if left else "you have reached that limit.")
        )


def _release_active_hold(*, buyer, event: Event) -> bool:
    """A new selection replaces the old one; released (and committed) before the new take,
    so the buyer's own old hold never makes their new selection look sold out. Marked
    REPLACED, so a tab still showing the old one tells the buyer what happened to it."""
    replaced = False
    for hold in Hold.objects.filter(buyer=buyer, event=event, status=Hold.Status.ACTIVE):
        replaced = release_hold(hold=hold, status=Hold.Status.REPLACED) or replaced
    return replaced


def _next_hold_id() -> int:
    """Reserve the next Hold id before the hold is written (PostgreSQL only): the Redis
    seat claims are named after it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Hold._meta.db_table])
        return int(cursor.fetchone()[0])


def _count_rate(rate: HoldRate | None) -> None:
    """A request answered without the gate counts its rate limits here; over a limit, the
    answer is "too many attempts" whatever else was wrong."""
    if rate is not None and rate.over():
        raise RateLimited()


def _gate_take(
    quantities: dict[int, int], *, event_id: int, buyer_id: int, rate: HoldRate | None = None
):
    """Take from the Redis gate, counting the request's rate limits in the same call.

    When it says "sold out" (at most once a second per ticket type, decided inside the same
    script): release that type's lapsed holds (lazy expiry) and retry; and if the counter
    has stayed below the database's figure with nothing moving for a while (a give-back
    lost while Redis hiccupped), heal it from the database under the row lock."""
    limits = rate.for_gate() if rate is not None else ()
    taken = gate.take(quantities, event_id=event_id, buyer_id=buyer_id, limits=limits)
    if taken is not None and rate is not None:
        rate.counted_by_gate()
    if taken is None or taken.ok or taken.limited or not taken.sweep:
        return taken
    short = taken.short
    retry = bool(expire_lapsed_holds(ticket_type_ids=[short]))
    if not retry:
        retry = gate.heal_if_stuck(short, gate.database_available(short, lock=False))
    if retry:
        again = gate.take(quantities, event_id=event_id, buyer_id=buyer_id)
        if again is not None and not again.ok:
            again.buyer_has_hold = again.buyer_has_hold or taken.buyer_has_hold
        return again
    return taken


# --- Holds -------------------------------------------------------------------------------


def _buyer_id(buyer, buyer_id: int | None) -> int:
    return buyer.pk if buyer_id is None else buyer_id


def _check_buyer(buyer, buyer_id: int) -> None:
    """`buyer_id` came from the session and `buyer` may be request.user, still unloaded:
    the gate is asked with the id alone, so the refused crowd never loads its user rows.
    Before anything is written the user is loaded, and must be that same signed-in user
    (a session whose password changed, say, is signed out right there)."""
    if buyer.pk != buyer_id:
        raise SignedOut()


def hold_tickets(
    *,
    buyer,
    event: Event,
    quantities: dict[int, int],
    buyer_id: int | None = None,
    rate: HoldRate | None = None,
) -> Hold:
    """Hold general-admission tickets: {ticket_type_id: quantity}. All or nothing.

    `buyer_id` (the session's user id) lets the gate turn the buyer away without loading
    `buyer`; `rate` (the request's rate limits) is counted by the gate's call, or here when
    the request never reaches the gate. Raises SoldOut, InvalidSelection (LimitExceeded,
    SalesClosed), HoldInProgress, SignedOut or RateLimited.
    """
    try:
        wanted, types = ticket_selection(event=event, quantities=quantities, buyer=buyer)
    except DomainError:
        _count_rate(rate)
        raise

    # The gate first: the crowd that cannot get a ticket is turned away here.
    buyer_id = _buyer_id(buyer, buyer_id)
    replaced = False
    taken = _gate_take(wanted, event_id=event.pk, buyer_id=buyer_id, rate=rate)
    if taken is None:
        _count_rate(rate)  # the database path alone
    elif taken.limited:
        raise RateLimited()
    if taken is not None and not taken.ok and taken.buyer_has_hold:
        # What is missing may be the buyer's own previous hold: replace it, try again.
        replaced = _release_active_hold(buyer=buyer, event=event)
        taken = gate.take(wanted, event_id=event.pk, buyer_id=buyer_id)
    if taken is not None and not taken.ok:
        raise SoldOut(sold_out_message(types[taken.short]))
    try:
        _check_buyer(buyer, buyer_id)
        _check_account_limit(buyer=buyer, event=event, quantity=sum(wanted.values()))
        replaced = _release_active_hold(buyer=buyer, event=event) or replaced
        hold, emptied = _hold_tickets_in_database(buyer=buyer, event=event, wanted=wanted)
    except Exception as exc:
        if taken is not None:
            gate.give_back(wanted)
        if isinstance(exc, SoldOut) and taken is None:
            # The database path alone: lazily release lapsed holds once, then retry.
            short = exc.context.get("ticket_type_id")
            if short and expire_lapsed_holds(ticket_type_ids=[short]):
                return hold_tickets(buyer=buyer, event=event, quantities=wanted, buyer_id=buyer_id)
        if isinstance(exc, SoldOut) and "ticket_type_id" in exc.context:
            raise SoldOut(sold_out_message(types[exc.context["ticket_type_id"]])) from exc
        raise
    hold.replaced_earlier = replaced
    _after_hold_committed(hold, emptied)
    return hold


def account_limit_applies(quantity: int) -> bool:
    """Whether a request for `quantity` tickets must be checked against the per-account
    maximum before the gate (smaller ones are checked before the hold is written)."""
    return quantity > settings.MAX_TICKETS_PER_ACCOUNT_PER_EVENT


def ticket_selection(*, event: Event, quantities, buyer=None) -> tuple[dict, dict]:
    """The checks a quantity request passes before the gate: ({type id: quantity}, {type id:
    TicketType}), or InvalidSelection (LimitExceeded, SalesClosed). Without `buyer`, the
    per-account maximum is left to the caller (account_limit_applies)."""
    try:
        wanted = {int(k): int(v) for k, v in quantities.items() if int(v) > 0}
    except (TypeError, ValueError) as exc:
        raise InvalidSelection() from exc
    if not wanted:
        raise InvalidSelection("Choose at least one ticket.")
    check_event_on_sale(event)
    catalogue = ticket_types_of(event.pk)
    types = {pk: catalogue[pk] for pk in wanted if pk in catalogue}
    if set(types) != set(wanted):
        raise InvalidSelection()
    seated = seated_type_ids(event.pk) if event.is_reserved_seating else frozenset()
    for pk, quantity in wanted.items():
        if pk in seated:  # sold by seat only: a quantity would be tickets without seats
            raise InvalidSelection(f"Choose your {types[pk].name} seats on the seat map.")
        check_ticket_type(types[pk], quantity)
    if buyer is not None and account_limit_applies(sum(wanted.values())):
        _check_account_limit(buyer=buyer, event=event, quantity=sum(wanted.values()))
    return wanted, types


def _after_hold_committed(hold: Hold, emptied: bool) -> None:
    event_id, buyer_id, pk, ttl = hold.event_id, hold.buyer_id, hold.pk, settings.HOLD_SECONDS

    def after_commit():
        gate.mark_buyer_hold(event_id, buyer_id, pk, ttl_seconds=ttl + HOLD_GRACE_SECONDS)
        if emptied:
            _bump_event(event_id)

    transaction.on_commit(after_commit)


# A short per-process memory of each event's ticket types (names, prices, limits, windows):
# the hot path does not read them from the database on every request. `held`/`sold` in these
# copies are stale by design and never used for decisions.
_catalogue: ShortMemory[dict[int, TicketType]] = ShortMemory(seconds=2.0)


def ticket_types_of(event_id: int) -> dict[int, TicketType]:
    return _catalogue.get(
        event_id, lambda: {t.pk: t for t in TicketType.objects.filter(event_id=event_id)}
    )


def sold_out_message(ticket_type: TicketType) -> str:
    return f"Sorry, there are not enough {ticket_type.name} tickets left."


def _hold_tickets_in_database(*, buyer, event, wanted) -> tuple[Hold, bool]:
    emptied = False
    try:
        with transaction.atomic():
            hold = Hold.objects.create(
                buyer=buyer, event=event, expires_at=timezone.now() + hold_duration()
            )
            for ticket_type_id in sorted(wanted):  # a fixed lock order avoids deadlocks
                left = _take(ticket_type_id, wanted[ticket_type_id])
                if left is None:
                    raise SoldOut(ticket_type_id=ticket_type_id)
                emptied = emptied or left == 0
            HoldLine.objects.bulk_create(
                [HoldLine(hold=hold, ticket_type_id=t, quantity=q) for t, q in wanted.items()]
            )
    except IntegrityError as exc:  # one active hold per buyer per event
        raise HoldInProgress() from exc
    return hold, emptied


def hold_seats(
    *,
    buyer,
    event: Event,
    seat_ids: list[int],
    buyer_id: int | None = None,
    rate: HoldRate | None = None,
) -> Hold:
    """Hold exactly these seats, all or nothing. Raises SeatTaken, SoldOut, InvalidSelection,
    SignedOut or RateLimited. `buyer_id` and `rate`: as for hold_tickets."""
    try:
        seat_ids, counts = seat_selection(event=event, seat_ids=seat_ids, buyer=buyer)
    except DomainError:
        _count_rate(rate)
        raise
    selection = {
        "buyer": buyer,
        "buyer_id": _buyer_id(buyer, buyer_id),
        "event": event,
        "seat_ids": seat_ids,
        "counts": counts,
        "rate": rate,
    }
    try:
        return _hold_seats_once(**selection)
    except SeatTaken as exc:
        # The seat may be in the buyer's own previous hold (a new selection replaces it), or
        # in a lapsed hold not yet released (released lazily here, at most once a second).
        claim = exc.context.get("claim")
        retry = False
        replaced = False
        if claim is None or claim.buyer_has_hold:
            retry = replaced = _release_active_hold(buyer=buyer, event=event)
        if (claim is None or claim.sweep) and expire_lapsed_holds(event=event, limit=500):
            retry = True
        if not retry:
            raise
    hold = _hold_seats_once(**selection)
    hold.replaced_earlier = hold.replaced_earlier or replaced
    return hold


def seat_selection(*, event: Event, seat_ids, buyer=None) -> tuple[list[int], dict[int, int]]:
    """The checks a seat request passes before the gate: (sorted seat ids, {ticket type id:
    seats}), or InvalidSelection (LimitExceeded, SalesClosed). Without `buyer`, as for
    ticket_selection."""
    try:
        seat_ids = sorted({int(s) for s in seat_ids})
    except (TypeError, ValueError) as exc:
        raise InvalidSelection() from exc
    if not seat_ids:
        raise InvalidSelection("Choose at least one seat.")
    check_event_on_sale(event)
    bookable = seats_of(event.pk)
    if any(s not in bookable for s in seat_ids):
        raise InvalidSelection("One of those seats cannot be booked.")
    counts = dict(Counter(bookable[s] for s in seat_ids))
    catalogue = ticket_types_of(event.pk)
    for pk, count in counts.items():
        if pk not in catalogue:
            raise InvalidSelection()
        check_ticket_type(catalogue[pk], count, seated=True)
    if buyer is not None and account_limit_applies(len(seat_ids)):
        _check_account_limit(buyer=buyer, event=event, quantity=len(seat_ids))
    return seat_ids, counts


@dataclass(frozen=True)
class SeatCatalogue:
    """An event's seats as the hot path needs them, from one query."""

    bookable: dict[int, int]  # seat id -> ticket type id, seats not blocked
    blocked: frozenset[int]
    # The ticket types sold by seat: those with seats on the map, blocked ones included (a
    # band whose seats are all blocked is sold out, not general admission).
    seated_types: frozenset[int]


_seat_catalogues: ShortMemory[SeatCatalogue] = ShortMemory(seconds=2.0, size=100)


def seat_catalogue(event_id: int) -> SeatCatalogue:
    """The event's SeatCatalogue (a short per-process memory)."""

    def read() -> SeatCatalogue:
        bookable, blocked, types = {}, set(), set()
        seats = Seat.objects.filter(event_id=event_id).order_by()
        for pk, ticket_type_id, is_blocked in seats.values_list(
            "pk", "ticket_type_id", "is_blocked"
        ):
            types.add(ticket_type_id)
            if is_blocked:
                blocked.add(pk)
            else:
                bookable[pk] = ticket_type_id
        return SeatCatalogue(bookable, frozenset(blocked), frozenset(types))

    return _seat_catalogues.get(event_id, read)


def seats_of(event_id: int) -> dict[int, int]:
    """{seat id: ticket type id} of the event's bookable seats."""
    return seat_catalogue(event_id).bookable


def seated_type_ids(event_id: int) -> frozenset[int]:
    return seat_catalogue(event_id).seated_types


def _hold_seats_once(*, buyer, buyer_id, event, seat_ids, counts, rate) -> Hold:
    # The gate first, under a provisional owner: the crowd that lost the seats is turned
    # away before anything touches the database. The winner reserves the hold's id and the
    # claims are renamed to it (release and sale find them by that id).
    claimed = hold_id = None
    owner = f"pending:{buyer_id}:{secrets.token_hex(6)}"
    if connection.vendor == "postgresql":  # elsewhere there is no id to reserve up front
        claimed = gate.claim_seats(
            seat_ids,
            owner=owner,
            ttl_seconds=settings.HOLD_SECONDS + HOLD_GRACE_SECONDS,
            event_id=event.pk,
            buyer_id=buyer_id,
            limits=rate.for_gate() if rate is not None else (),
        )
        if claimed is not None and rate is not None:
            rate.counted_by_gate()
        if claimed is not None and claimed.limited:
            raise RateLimited()
        if claimed is not None and not claimed.ok:
            raise SeatTaken(claim=claimed)
        hold_id = _next_hold_id()
        if claimed is not None:
            if gate.rename_claims(seat_ids, owner=owner, new_owner=str(hold_id)):
                owner = str(hold_id)
            else:  # Redis failed in between: the database alone decides this one
                gate.release_seats(seat_ids, owner=owner)
                claimed = None
    if claimed is None:
        _count_rate(rate)  # the database path alone
    taken = gate.take(counts, event_id=event.pk, buyer_id=buyer_id) if claimed is not None else None
    if taken is not None and not taken.ok:
        gate.release_seats(seat_ids, owner=owner)
        raise SoldOut()
    emptied = False
    try:
        _check_buyer(buyer, buyer_id)
        _check_account_limit(buyer=buyer, event=event, quantity=len(seat_ids))
        replaced = _release_active_hold(buyer=buyer, event=event)
        with transaction.atomic():
            try:
                hold = Hold.objects.create(
                    pk=hold_id,
                    buyer=buyer,
                    event=event,
                    expires_at=timezone.now() + hold_duration(),
                )
            except IntegrityError as exc:
                raise HoldInProgress() from exc
            try:
                SeatClaim.objects.bulk_create([SeatClaim(seat_id=s, hold=hold) for s in seat_ids])
            except IntegrityError as exc:  # the partial unique index: somebody has one of them
                # No savepoint needed: raising leaves the transaction, which rolls it back.
                raise SeatTaken() from exc
            for ticket_type_id, count in sorted(counts.items()):
                left = _take(ticket_type_id, count)
                if left is None:
                    raise SoldOut()
                emptied = emptied or left == 0
            HoldLine.objects.bulk_create(
                [HoldLine(hold=hold, ticket_type_id=t, quantity=q) for t, q in counts.items()]
            )
    except Exception:
        if taken is not None:
            gate.give_back(counts)
        if claimed is not None:
            gate.release_seats(seat_ids, owner=owner)
        raise
    hold.replaced_earlier = replaced
    _after_hold_committed(hold, emptied)
    return hold


# Seat claims in Redis outlive the hold a little, so the gate never frees a seat before the
# database does (a lapsed hold is then released lazily by the next buyer of that seat).
HOLD_GRACE_SECONDS = 30


# --- Release, expiry, sale ---------------------------------------------------------------


def _move_held_claims(hold_id: int, state: str) -> list[int]:
    """Move a hold's held seat claims to `state` (released, sold) in one statement; returns
    their seat ids."""
    table = SeatClaim._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s "  # noqa: S608 - table name from the model
            "WHERE hold_id = %s AND state = %s RETURNING seat_id",
            [str(state), hold_id, str(SeatClaim.State.HELD)],
        )
        return [row[0] for row in cursor.fetchall()]


def _close(hold: Hold, status: str) -> bool:
    """Flip an active hold to `status`; True for exactly one caller."""
    return bool(
        Hold.objects.filter(pk=hold.pk, status=Hold.Status.ACTIVE).update(
            status=status, closed_at=timezone.now()
        )
    )


@transaction.atomic
def release_hold(*, hold: Hold, status: str = Hold.Status.RELEASED) -> bool:
    """Give a hold's stock back. Returns False if it was already released, expired or sold."""
    if not _close(hold, status):
        return False
    freed: dict[int, int] = {}
    crossed_zero = False
    for line in HoldLine.objects.filter(hold_id=hold.pk).order_by("ticket_type_id"):
        left = _give(line.ticket_type_id, held=line.quantity)
        crossed_zero = crossed_zero or left == line.quantity
        freed[line.ticket_type_id] = line.quantity
    seat_ids = _move_held_claims(hold.pk, SeatClaim.State.RELEASED)
    owner, event_id = str(hold.pk), hold.event_id

    buyer_id = hold.buyer_id

    def after_commit():
        gate.release_seats(seat_ids, owner=owner)
        if buyer_id:
            gate.unmark_buyer_hold(event_id, buyer_id, owner)
        _on_stock_freed(event_id, freed, crossed_zero)

    transaction.on_commit(after_commit)
    return True


def expire_lapsed_holds(
    *, event: Event | None = None, ticket_type_ids=None, seat_ids=None, limit: int | None = None
) -> int:
    """Release holds past their deadline; safe to run from several workers at once.

    With no arguments every lapsed hold goes (the periodic job); the filters let a read
    release just the lapsed holds it is looking at (lazy expiry).
    """
    lapsed = Hold.objects.lapsed()
    if event is not None:
        lapsed = lapsed.filter(event=event)
    if ticket_type_ids:
        lapsed = lapsed.filter(lines__ticket_type_id__in=ticket_type_ids)
    if seat_ids:
        lapsed = lapsed.filter(
            seat_claims__seat_id__in=seat_ids, seat_claims__state=SeatClaim.State.HELD
        )
    rows = list(
        lapsed.order_by("expires_at").values_list("pk", "event_id", "expires_at").distinct()[:limit]
    )
    released = 0
    for pk, event_id, _expires_at in rows:
        released += release_hold(hold=Hold(pk=pk, event_id=event_id), status=Hold.Status.EXPIRED)
    return released


def ended_message(hold: Hold) -> str:
    """What a buyer is told about a hold that is no longer live (in any tab)."""
    if hold.status == Hold.Status.REPLACED:
        return (
            "You reserved tickets for this event again (in another tab or window), and one "
            "reservation per event is kept: the newer one replaced this one."
        )
    if hold.status == Hold.Status.RELEASED:
        return "You released this reservation and its tickets went back on sale."
    if hold.status == Hold.Status.SOLD:
        return "This reservation has been paid for."
    return "Your reservation has expired and the tickets went back on sale."


def newer_hold(hold: Hold) -> Hold | None:
    """The live hold that replaced `hold` (None when it was not replaced, or that one ended
    too)."""
    if hold.status != Hold.Status.REPLACED:
        return None
    return Hold.objects.filter(
        buyer_id=hold.buyer_id,
        event_id=hold.event_id,
        status=Hold.Status.ACTIVE,
        expires_at__gt=timezone.now(),
    ).first()


def expire_if_lapsed(hold: Hold) -> Hold:
    """Lazy expiry on read: a lapsed active hold is released now; returns it refreshed."""
    if hold.status == Hold.Status.ACTIVE and hold.expires_at <= timezone.now():
        release_hold(hold=hold, status=Hold.Status.EXPIRED)
        hold.refresh_from_db()
    return hold


def sweep_event(event: Event) -> int:
    """Release the lapsed holds of one event, at most once a few seconds (page reads)."""
    if not gate.throttle(f"sweep:event:{event.pk}", 2.0):
        return 0
    return expire_lapsed_holds(event=event, limit=200)


@transaction.atomic
def sell_hold(*, hold: Hold) -> bool:
    """Turn a held reservation into sold stock. False if the hold is no longer active."""
    if not _close(hold, Hold.Status.SOLD):
        return False
    for line in hold.lines.order_by("ticket_type_id"):
        TicketType.objects.filter(pk=line.ticket_type_id).update(
            held=F("held") - line.quantity, sold=F("sold") + line.quantity
        )
    seat_ids = _move_held_claims(hold.pk, SeatClaim.State.SOLD)
    owner, event_id, buyer_id = str(hold.pk), hold.event_id, hold.buyer_id

    def after_commit():
        gate.sell_seats(seat_ids, owner=owner)
        if buyer_id:
            gate.unmark_buyer_hold(event_id, buyer_id, owner)

    transaction.on_commit(after_commit)
    return True


@transaction.atomic
def sell_lapsed_hold(*, hold: Hold) -> bool:
    """A payment arrived after the hold lapsed: sell the same selection again if stock allows.

    Returns False (and changes nothing) when any of it is gone; the caller then refunds.
    """
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.status == Hold.Status.ACTIVE:
        return sell_hold(hold=hold)
    if hold.status not in (Hold.Status.EXPIRED, Hold.Status.RELEASED, Hold.Status.REPLACED):
        return False
    lines = {line.ticket_type_id: line.quantity for line in hold.lines.all()}
    # Keep the gate in step; if it disagrees (drift), the database still decides.
    taken = gate.take(lines, event_id=hold.event_id, buyer_id=hold.buyer_id)
    emptied = False
    try:
        with transaction.atomic():
            for ticket_type_id in sorted(lines):
                table = TicketType._meta.db_table
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {table} SET sold = sold + %s "  # noqa: S608
                        "WHERE id = %s AND held + sold + %s <= capacity "
                        "RETURNING capacity - sold - held",
                        [lines[ticket_type_id], ticket_type_id, lines[ticket_type_id]],
                    )
                    row = cursor.fetchone()
                if row is None:
                    raise SoldOut()
                emptied = emptied or row[0] == 0
            seat_ids = list(hold.seat_claims.values_list("seat_id", flat=True).distinct())
            SeatClaim.objects.bulk_create(
                [SeatClaim(seat_id=s, hold=hold, state=SeatClaim.State.SOLD) for s in seat_ids]
            )
            Hold.objects.filter(pk=hold.pk).update(
                status=Hold.Status.SOLD, closed_at=timezone.now()
            )
    except (SoldOut, IntegrityError):
        if taken is not None and taken.ok:
            gate.give_back(lines)
        return False
    owner, event_id = str(hold.pk), hold.event_id

    def after_commit():
        gate.sell_seats(seat_ids, owner=owner)
        if emptied:
            _bump_event(event_id)

    transaction.on_commit(after_commit)
    return True


@transaction.atomic
def return_sold(*, ticket_type_id: int, quantity: int = 1, seat_id: int | None = None) -> None:
    """A sold admission was refunded or voided: its stock goes back on sale."""
    left = _give(ticket_type_id, sold=quantity)
    if seat_id is not None:
        SeatClaim.objects.filter(seat_id=seat_id, state=SeatClaim.State.SOLD).update(
            state=SeatClaim.State.RELEASED
        )
    event_id = TicketType.objects.filter(pk=ticket_type_id).values_list("event_id", flat=True)[0]

    def after_commit():
        if seat_id is not None:
            gate.free_seats([seat_id])
        _on_stock_freed(event_id, {ticket_type_id: quantity}, left == quantity)

    transaction.on_commit(after_commit)


# --- Reads -------------------------------------------------------------------------------


def availability(*, event: Event) -> list[TicketType]:
    """The event's visible ticket types with `available` fresh from the database.

    Lapsed holds of the event are released first (lazily, throttled).
    """
    sweep_event(event)
    return list(event.ticket_types.filter(is_visible=True).order_by("position", "price_kobo"))


def live_seat_ids(*, event: Event) -> set[int]:
    """Seats held or sold right now (one query)."""
    return set(
        SeatClaim.objects.filter(
            hold__event=event, state__in=[SeatClaim.State.HELD, SeatClaim.State.SOLD]
        ).values_list("seat_id", flat=True)
    )


# --- Reconcile ---------------------------------------------------------------------------


def reconcile_gate(*, fix: bool = True, ticket_type_ids=None) -> list[dict]:
    """Compare Redis counters with the database; report drift per ticket type and fix it.

    Lapsed holds are released first. Each ticket type is checked under its row lock, so no
    hold, release or sale of it is half-way through the database step while we compare
    (one in the Redis step only can leave the counter a little high, never low: safe).
    Returns [{"ticket_type_id", "event_id", "database", "redis", "drift"}] where drift is
    redis − database (None when the counter was missing).
    """
    expire_lapsed_holds()
    if gate.client() is None:
        return []
    qs = TicketType.objects.all()
    if ticket_type_ids:
        qs = qs.filter(pk__in=ticket_type_ids)
    report = []
    for tt_id, event_id in qs.order_by("pk").values_list("pk", "event_id"):
        with transaction.atomic():
            database = gate.database_available(tt_id, lock=True)
            current = (gate.counters([tt_id]) or {}).get(tt_id)
            drift = None if current is None else current - database
            if fix and drift != 0 and gate.set_counter(tt_id, database) is False:
                break
        report.append(
            {
                "ticket_type_id": tt_id,
                "event_id": event_id,
                "database": database,
                "redis": current,
                "drift": drift,
            }
        )
    if fix:
        _reconcile_seats()
    return report


def _reconcile_seats() -> int:
    """Write the database's live seat claims back into the gate (after a flush)."""
    now = timezone.now()
    claims = {}
    for seat_id, hold_id, state, expires_at in SeatClaim.objects.filter(
        state__in=[SeatClaim.State.HELD, SeatClaim.State.SOLD]
    ).values_list("seat_id", "hold_id", "state", "hold__expires_at"):
        if state == SeatClaim.State.SOLD:
            claims[seat_id] = (str(hold_id), None)
        else:
            ttl = (expires_at - now).total_seconds() + HOLD_GRACE_SECONDS
            claims[seat_id] = (str(hold_id), max(ttl, 1))
    if claims:
        owners = gate.seat_owners(list(claims)) or {}
        missing = {s: c for s, c in claims.items() if owners.get(s) is None}
        if missing:
            gate.set_seats(missing)
        return len(missing)
    return 0
