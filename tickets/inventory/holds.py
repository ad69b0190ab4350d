"""Holds and sales of stock: the database is the truth, Redis is the gate (DESIGN.md §2).

Every change of TicketType.held / sold is a conditional UPDATE inside a transaction, and a
CHECK constraint forbids held + sold > capacity; a seat is held or sold by a SeatClaim row
under a partial unique index. A hold's status change is the guard that makes each release,
expiry or sale happen exactly once; only the caller whose flip succeeded touches Redis,
after commit. The gate (gate.py) turns away, in front of that, the buyers who cannot get
anything; when the database step fails the gate step is undone, and when Redis is down the
database alone still sells correctly.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from events.models import Event, Seat, TicketType
from getiickets.datetimes import format_when
from getiickets.errors import DomainError
from tickets.inventory import gate
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


class SalesClosed(InvalidSelection):
    """Tickets are not on sale right now."""


class HoldInProgress(DomainError):
    """Another reservation of yours for this event is being made. Please try again."""

    status_code = 409


# Seat claims in Redis outlive their hold a little, so the gate never frees a seat before
# the database does (a lapsed hold is released lazily by the next buyer of that seat).
HOLD_GRACE_SECONDS = 30


def hold_duration() -> timedelta:
    return timedelta(seconds=settings.HOLD_SECONDS)


def _stock_sql(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=TicketType._meta.db_table), params)
        return cursor.fetchone()


def _take(ticket_type_id: int, quantity: int, *, column: str = "held") -> int | None:
    """Move `quantity` into `held` (or `sold`) if that many are left: one statement, no race.
    Returns how many are left afterwards, or None when there were not enough."""
    row = _stock_sql(
        f"UPDATE {{table}} SET {column} = {column} + %s "  # noqa: S608 - a column we name
        "WHERE id = %s AND held + sold + %s <= capacity RETURNING capacity - sold - held",
        [quantity, ticket_type_id, quantity],
    )
    return None if row is None else int(row[0])


def _give(ticket_type_id: int, *, held: int = 0, sold: int = 0) -> int:
    """Take `held`/`sold` back off a ticket type; returns how many are left afterwards."""
    row = _stock_sql(
        "UPDATE {table} SET held = held - %s, sold = sold - %s WHERE id = %s "
        "RETURNING capacity - sold - held",
        [held, sold, ticket_type_id],
    )
    return 0 if row is None else int(row[0])


def _bump_event(event_id: int) -> None:
    """Availability crossed zero: the events cache drops its copy of the event's pages."""
    from events.cache import bump_event

    try:
        bump_event(event_id, listing=False)  # the lists showing it, not the whole catalogue
    except Exception:  # a cache hiccup must never break a sale
        log.exception("bump_event(%s) failed", event_id)


def _after_commit_freed(event_id: int, freed: dict[int, int], crossed_zero: bool) -> None:
    def after_commit():
        gate.give_back(freed)
        stock_freed.send(sender=Hold, ticket_type_ids=sorted(freed))
        if crossed_zero:
            _bump_event(event_id)

    transaction.on_commit(after_commit)


# --- Rules of a selection -----------------------------------------------------------------


def check_event_on_sale(event: Event) -> None:
    if event.status != Event.Status.PUBLISHED or event.ends_at <= timezone.now():
        raise SalesClosed("This event is not on sale.")


def check_ticket_type(ticket_type: TicketType, quantity: int, *, seated: bool = False) -> None:
    now = timezone.now()
    if not ticket_type.is_visible:
        raise InvalidSelection()
    if ticket_type.sales_start and now < ticket_type.sales_start:
        opens = format_when(ticket_type.sales_start)
        raise SalesClosed(f"{ticket_type.name} goes on sale on {opens} (Lagos time).")
    if ticket_type.sales_end and now >= ticket_type.sales_end:
        raise SalesClosed(f"Sales of {ticket_type.name} have ended.")
    if quantity > ticket_type.max_per_order:
        raise LimitExceeded(
            f"You can buy at most {ticket_type.max_per_order:,} {ticket_type.name} "
            "tickets in one order."
        )
    if not seated and quantity < ticket_type.min_per_order:
        raise LimitExceeded(
            f"{ticket_type.name} tickets are sold in orders of at least "
            f"{ticket_type.min_per_order}."
        )


def tickets_bought(*, buyer, event: Event, phone: str = "") -> int:
    """Admissions this buyer has already paid for at this event; with `phone` (a guest's,
    E.164) also those of any order to that number: one limit per email and per phone."""
    from orders.models import Order, OrderItem

    whose = Q(order__buyer=buyer)
    if phone:
        whose |= Q(order__phone=phone)
    return OrderItem.objects.filter(
        whose,
        order__event=event,
        order__status__in=[Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED],
    ).count()


def _check_account_limit(*, buyer, event: Event, quantity: int, phone: str = "") -> None:
    limit = settings.MAX_TICKETS_PER_ACCOUNT_PER_EVENT
    already = tickets_bought(buyer=buyer, event=event, phone=phone)
    if already + quantity > limit:
        left = max(limit - already, 0)
        who = "One email address or phone number" if phone else "One account"
        raise LimitExceeded(
            f"{who} can buy at most {limit:,} tickets for this event; "
            + (f"you can add {left:,} more." if left else "you have reached that limit.")
        )


def sold_out_message(ticket_type: TicketType) -> str:
    return f"Sorry, there are not enough {ticket_type.name} tickets left."


def ticket_selection(*, event: Event, quantities) -> tuple[dict, dict]:
    """({type id: quantity}, {type id: TicketType}) of a quantity request, or
    InvalidSelection (LimitExceeded, SalesClosed)."""
    try:
        wanted = {int(k): int(v) for k, v in quantities.items() if int(v) > 0}
    except (TypeError, ValueError) as exc:
        raise InvalidSelection() from exc
    if not wanted:
        raise InvalidSelection("Choose at least one ticket.")
    check_event_on_sale(event)
    types = TicketType.objects.in_bulk(wanted)
    if set(types) != set(wanted) or any(t.event_id != event.pk for t in types.values()):
        raise InvalidSelection()
    seated = set(
        Seat.objects.filter(ticket_type_id__in=wanted).values_list("ticket_type_id", flat=True)
    )
    for pk, quantity in wanted.items():
        if pk in seated:  # sold by seat only: a quantity would be tickets without seats
            raise InvalidSelection(f"Choose your {types[pk].name} seats on the seat map.")
        check_ticket_type(types[pk], quantity)
    return wanted, types


def seat_selection(*, event: Event, seat_ids) -> tuple[list[int], dict[int, int], dict]:
    """(sorted seat ids, {type id: seats}, {type id: TicketType}) of a seat request."""
    try:
        seat_ids = sorted({int(s) for s in seat_ids})
    except (TypeError, ValueError) as exc:
        raise InvalidSelection() from exc
    if not seat_ids:
        raise InvalidSelection("Choose at least one seat.")
    check_event_on_sale(event)
    bookable = dict(
        Seat.objects.filter(event=event, pk__in=seat_ids, is_blocked=False).values_list(
            "pk", "ticket_type_id"
        )
    )
    if len(bookable) != len(seat_ids):
        raise InvalidSelection("One of those seats cannot be booked.")
    counts = dict(Counter(bookable.values()))
    types = TicketType.objects.in_bulk(counts)
    for pk, count in counts.items():
        check_ticket_type(types[pk], count, seated=True)
    return seat_ids, counts, types


# --- The gate in front -------------------------------------------------------------------


def rebuild_counters(ticket_type_ids) -> None:
    """Counters from the database (capacity − sold − active holds) under the rows' locks,
    written only where missing, so concurrent rebuilds cannot double-count."""
    with transaction.atomic():
        rows = {
            pk: (capacity, max(capacity - held - sold, 0))
            for pk, capacity, held, sold in TicketType.objects.filter(pk__in=ticket_type_ids)
            .order_by("pk")  # a fixed lock order, like every other stock update
            .select_for_update()
            .values_list("pk", "capacity", "held", "sold")
        }
        gate.set_counters(rows)


def _gate_take(wanted: dict[int, int], types: dict) -> bool | None:
    """Take from the gate: True, or None when it is unavailable; SoldOut when it has too
    few. A missing counter is rebuilt; on "sold out" the type's lapsed holds are released
    (lazy expiry, at most once a second per type) and the take is tried again."""
    capacities = {pk: types[pk].capacity for pk in wanted}
    for _attempt in range(3):
        result = gate.take(wanted, capacities)
        if result is None:
            return None
        ok, short = result
        if ok:
            return True
        if ok is None:
            rebuild_counters([short])
        elif not (
            gate.throttle(f"sweep:tt:{short}", 1.0)
            and expire_lapsed_holds(ticket_type_ids=[short], limit=100)
        ):
            raise SoldOut(sold_out_message(types[short]))
    raise SoldOut()


def _next_hold_id() -> int | None:
    """Reserve the next Hold id (PostgreSQL) so the Redis seat claims can be named after it."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Hold._meta.db_table])
        return int(cursor.fetchone()[0])


# --- Holds -------------------------------------------------------------------------------


class HeldElsewhere(HoldInProgress):
    """A reservation for this email address is open in another browser. Finish it there,
    or try again when it ends."""


def _replace_active_hold(*, buyer, event: Event, own_hold_ids=None) -> bool:
    """One reservation per buyer and event: a new one replaces the old (released and
    committed before the new take, so the buyer's own stock never looks sold out). Marked
    REPLACED, so a tab still showing the old one tells the buyer what happened to it.

    `own_hold_ids`: a guest's browser (accounts.guests) replaces only the holds it made; a
    live one made elsewhere for the same email is not somebody else's to cancel."""
    replaced = False
    now = timezone.now()
    for hold in Hold.objects.filter(buyer=buyer, event=event, status=Hold.Status.ACTIVE):
        if own_hold_ids is not None and hold.pk not in own_hold_ids and hold.expires_at > now:
            raise HeldElsewhere()
        replaced = release_hold(hold=hold, status=Hold.Status.REPLACED) or replaced
    return replaced


def hold_tickets(
    *, buyer, event: Event, quantities: dict, phone: str = "", own_hold_ids=None
) -> Hold:
    """Hold general-admission tickets {ticket_type_id: quantity}, all or nothing. Raises
    SoldOut, InvalidSelection (LimitExceeded, SalesClosed) or HoldInProgress. For a guest,
    `phone` (E.164) counts towards the limit too and `own_hold_ids` are the holds its
    browser may replace."""
    wanted, types = ticket_selection(event=event, quantities=quantities)
    _check_account_limit(buyer=buyer, event=event, quantity=sum(wanted.values()), phone=phone)
    replaced = _replace_active_hold(buyer=buyer, event=event, own_hold_ids=own_hold_ids)
    taken = _gate_take(wanted, types)
    try:
        hold = _write_hold(buyer=buyer, event=event, counts=wanted, types=types)
    except Exception:
        if taken:
            gate.give_back(wanted)
        raise
    hold.replaced_earlier = replaced
    return hold


def hold_seats(*, buyer, event: Event, seat_ids, phone: str = "", own_hold_ids=None) -> Hold:
    """Hold exactly these seats, all or nothing. Raises SeatTaken, SoldOut or
    InvalidSelection (a guest: as hold_tickets)."""
    seat_ids, counts, types = seat_selection(event=event, seat_ids=seat_ids)
    _check_account_limit(buyer=buyer, event=event, quantity=len(seat_ids), phone=phone)
    replaced = _replace_active_hold(buyer=buyer, event=event, own_hold_ids=own_hold_ids)
    hold_id = _next_hold_id()
    owner, ttl = str(hold_id), settings.HOLD_SECONDS + HOLD_GRACE_SECONDS
    claimed = None
    if hold_id is not None:
        claimed = gate.claim_seats(seat_ids, owner=owner, ttl_seconds=ttl)
        # Perhaps a lapsed hold not yet released: release it now (lazy expiry), retry.
        if (
            claimed
            and gate.throttle(f"sweep:seats:{event.pk}", 1.0)
            and expire_lapsed_holds(seat_ids=seat_ids, limit=100)
        ):
            claimed = gate.claim_seats(seat_ids, owner=owner, ttl_seconds=ttl)
        if claimed:
            raise SeatTaken()
    taken = None
    try:
        taken = _gate_take(counts, types) if claimed is not None else None
        hold = _write_hold(
            buyer=buyer, event=event, counts=counts, types=types, pk=hold_id, seat_ids=seat_ids
        )
    except Exception:
        if taken:
            gate.give_back(counts)
        if claimed is not None:
            gate.release_seats(seat_ids, owner=owner)
        raise
    hold.replaced_earlier = replaced
    return hold


def _write_hold(*, buyer, event, counts, types, pk=None, seat_ids=()) -> Hold:
    emptied = False
    try:
        with transaction.atomic():
            hold = Hold.objects.create(
                pk=pk, buyer=buyer, event=event, expires_at=timezone.now() + hold_duration()
            )
            # The partial unique index: somebody has one of these seats.
            SeatClaim.objects.bulk_create([SeatClaim(seat_id=s, hold=hold) for s in seat_ids])
            for ticket_type_id in sorted(counts):  # a fixed lock order avoids deadlocks
                left = _take(ticket_type_id, counts[ticket_type_id])
                if left is None:
                    raise SoldOut(sold_out_message(types[ticket_type_id]))
                emptied = emptied or left == 0
            HoldLine.objects.bulk_create(
                [HoldLine(hold=hold, ticket_type_id=t, quantity=q) for t, q in counts.items()]
            )
    except IntegrityError as exc:
        if seat_ids:
            raise SeatTaken() from exc
        raise HoldInProgress() from exc  # one active hold per buyer per event
    if emptied:
        transaction.on_commit(lambda: _bump_event(event.pk))
    return hold


# --- Release, expiry, sale ---------------------------------------------------------------


def _move_held_claims(hold_id: int, state: str) -> list[int]:
    """Move a hold's held seat claims to `state` in one statement; returns their seat ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SeatClaim._meta.db_table} SET state = %s "  # noqa: S608 - model's table
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
    """Give a hold's stock back. False if it was already released, expired or sold."""
    if not _close(hold, status):
        return False
    freed: dict[int, int] = {}
    crossed_zero = False
    for line in HoldLine.objects.filter(hold_id=hold.pk).order_by("ticket_type_id"):
        left = _give(line.ticket_type_id, held=line.quantity)
        crossed_zero = crossed_zero or left == line.quantity
        freed[line.ticket_type_id] = line.quantity
    seat_ids = _move_held_claims(hold.pk, SeatClaim.State.RELEASED)
    transaction.on_commit(lambda: gate.release_seats(seat_ids, owner=str(hold.pk)))
    _after_commit_freed(hold.event_id, freed, crossed_zero)
    return True


def expire_lapsed_holds(
    *, event: Event | None = None, ticket_type_ids=None, seat_ids=None, limit: int | None = None
) -> int:
    """Release holds past their deadline; safe from several workers at once. With no
    arguments every lapsed hold goes (the periodic job); the filters serve lazy expiry."""
    lapsed = Hold.objects.lapsed()
    if event is not None:
        lapsed = lapsed.filter(event=event)
    if ticket_type_ids:
        lapsed = lapsed.filter(lines__ticket_type_id__in=ticket_type_ids)
    if seat_ids:
        lapsed = lapsed.filter(
            seat_claims__seat_id__in=seat_ids, seat_claims__state=SeatClaim.State.HELD
        )
    rows = list(lapsed.order_by("expires_at").values_list("pk", "event_id").distinct()[:limit])
    return sum(
        release_hold(hold=Hold(pk=pk, event_id=event_id), status=Hold.Status.EXPIRED)
        for pk, event_id in rows
    )


def expire_if_lapsed(hold: Hold) -> Hold:
    """Lazy expiry on read: a lapsed active hold is released now; returns it refreshed."""
    if hold.status == Hold.Status.ACTIVE and hold.expires_at <= timezone.now():
        release_hold(hold=hold, status=Hold.Status.EXPIRED)
        hold.refresh_from_db()
    return hold


def sweep_event(event: Event) -> int:
    """Release the lapsed holds of one event, at most once every two seconds (page reads)."""
    if not gate.throttle(f"sweep:event:{event.pk}", 2.0):
        return 0
    return expire_lapsed_holds(event=event, limit=200)


@transaction.atomic
def sell_hold(*, hold: Hold) -> bool:
    """Turn a held reservation into sold stock. False if the hold is no longer active."""
    if not _close(hold, Hold.Status.SOLD):
        return False
    all_sold = False
    for line in hold.lines.order_by("ticket_type_id"):
        unsold = _stock_sql(
            "UPDATE {table} SET held = held - %s, sold = sold + %s WHERE id = %s "
            "RETURNING capacity - sold",
            [line.quantity, line.quantity, line.ticket_type_id],
        )
        all_sold = all_sold or (unsold is not None and unsold[0] == 0)
    seat_ids = _move_held_claims(hold.pk, SeatClaim.State.SOLD)
    transaction.on_commit(lambda: gate.release_seats(seat_ids, owner=str(hold.pk), sold=True))
    if all_sold:  # the last of a type is sold (no hold can give it back): pages and queue
        transaction.on_commit(lambda: _bump_event(hold.event_id))
    return True


@transaction.atomic
def sell_lapsed_hold(*, hold: Hold) -> bool:
    """A payment arrived after the hold lapsed: sell the same selection again if stock
    allows. False (and nothing changed) when any of it is gone; the caller then refunds."""
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.status == Hold.Status.ACTIVE:
        return sell_hold(hold=hold)
    if hold.status not in (Hold.Status.EXPIRED, Hold.Status.RELEASED, Hold.Status.REPLACED):
        return False
    lines = {line.ticket_type_id: line.quantity for line in hold.lines.all()}
    types = TicketType.objects.in_bulk(lines)
    taken, emptied = None, False
    try:
        # Keeps the gate in step; the database decides, not a counter that may have drifted.
        with contextlib.suppress(SoldOut):
            taken = _gate_take(lines, types)
        with transaction.atomic():
            for ticket_type_id in sorted(lines):
                left = _take(ticket_type_id, lines[ticket_type_id], column="sold")
                if left is None:
                    raise SoldOut()
                emptied = emptied or left == 0
            seat_ids = list(hold.seat_claims.values_list("seat_id", flat=True).distinct())
            SeatClaim.objects.bulk_create(
                [SeatClaim(seat_id=s, hold=hold, state=SeatClaim.State.SOLD) for s in seat_ids]
            )
            Hold.objects.filter(pk=hold.pk).update(
                status=Hold.Status.SOLD, closed_at=timezone.now()
            )
    except (SoldOut, IntegrityError):
        if taken:
            gate.give_back(lines)
        return False
    transaction.on_commit(lambda: gate.release_seats(seat_ids, owner=str(hold.pk), sold=True))
    if emptied:
        transaction.on_commit(lambda: _bump_event(hold.event_id))
    return True


@transaction.atomic
def return_sold(*, ticket_type_id: int, quantity: int = 1, seat_id: int | None = None) -> None:
    """A sold admission was refunded or voided: its stock goes back on sale."""
    left = _give(ticket_type_id, sold=quantity)
    if seat_id is not None:
        SeatClaim.objects.filter(seat_id=seat_id, state=SeatClaim.State.SOLD).update(
            state=SeatClaim.State.RELEASED
        )
        transaction.on_commit(lambda: gate.free_seats([seat_id]))
    event_id = TicketType.objects.filter(pk=ticket_type_id).values_list("event_id", flat=True)[0]
    _after_commit_freed(event_id, {ticket_type_id: quantity}, left == quantity)


# --- What a buyer is told about an ended hold (any tab) -----------------------------------


def ended_message(hold: Hold) -> str:
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
    """The live hold that replaced `hold` (None if it was not replaced or that one ended)."""
    if hold.status != Hold.Status.REPLACED:
        return None
    return Hold.objects.filter(
        buyer_id=hold.buyer_id,
        event_id=hold.event_id,
        status=Hold.Status.ACTIVE,
        expires_at__gt=timezone.now(),
    ).first()


# --- Reconcile ---------------------------------------------------------------------------


def reconcile_gate(*, fix: bool = True, ticket_type_ids=None) -> list[dict]:
    """Compare the gate's counters with the database under each row's lock, report drift
    (redis − database; None when missing) and fix it; write back lost seat claims."""
    expire_lapsed_holds()
    if gate.client() is None:
        return []
    qs = TicketType.objects.all()
    if ticket_type_ids:
        qs = qs.filter(pk__in=ticket_type_ids)
    report = []
    for pk, event_id in qs.order_by("pk").values_list("pk", "event_id"):
        with transaction.atomic():
            tt = TicketType.objects.select_for_update().get(pk=pk)
            database = max(tt.capacity - tt.held - tt.sold, 0)
            current = (gate.counters([pk]) or {}).get(pk)
            drift = None if current is None else current - database
            if fix and drift != 0:
                gate.set_counters({pk: (tt.capacity, database)}, force=True)
        report.append(
            {"ticket_type_id": pk, "event_id": event_id, "database": database}
            | {"redis": current, "drift": drift}
        )
    if fix:
        now, claims = timezone.now(), {}
        for seat_id, hold_id, state, expires_at in SeatClaim.objects.filter(
            state__in=[SeatClaim.State.HELD, SeatClaim.State.SOLD]
        ).values_list("seat_id", "hold_id", "state", "hold__expires_at"):
            ttl = (expires_at - now).total_seconds() + HOLD_GRACE_SECONDS
            claims[seat_id] = (str(hold_id), None if state == SeatClaim.State.SOLD else max(ttl, 1))
        gate.missing_seats(claims)
    return report
