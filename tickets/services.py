"""Holds and sales of stock. The database is the truth (DESIGN.md §2).

Every change of TicketType.held / sold is a conditional UPDATE inside a transaction, and a
CHECK constraint forbids held + sold > capacity. A hold's status change is the guard that
makes each release, expiry or sale happen exactly once.
"""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from events.models import Event, Seat, TicketType
from getiickets.errors import DomainError
from tickets.models import Hold, HoldLine, SeatClaim


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


def hold_duration() -> timedelta:
    return timedelta(seconds=settings.HOLD_SECONDS)


def _take(ticket_type_id: int, quantity: int) -> bool:
    """Move `quantity` into `held` if that many are left; one statement, no race."""
    return bool(
        TicketType.objects.filter(
            pk=ticket_type_id, held__lte=F("capacity") - F("sold") - quantity
        ).update(held=F("held") + quantity)
    )


def _release_active_hold(*, buyer, event: Event) -> None:
    for hold in Hold.objects.filter(buyer=buyer, event=event, status=Hold.Status.ACTIVE):
        release_hold(hold=hold)


@transaction.atomic
def hold_tickets(*, buyer, event: Event, quantities: dict[int, int]) -> Hold:
    """Hold general-admission tickets: {ticket_type_id: quantity}. All or nothing."""
    wanted = {int(k): int(v) for k, v in quantities.items() if int(v) > 0}
    if not wanted:
        raise InvalidSelection("Choose at least one ticket.")
    known = set(event.ticket_types.filter(pk__in=wanted).values_list("pk", flat=True))
    if known != set(wanted):
        raise InvalidSelection()
    _release_active_hold(buyer=buyer, event=event)
    hold = Hold.objects.create(
        buyer=buyer, event=event, expires_at=timezone.now() + hold_duration()
    )
    for ticket_type_id in sorted(wanted):  # a fixed lock order avoids deadlocks
        if not _take(ticket_type_id, wanted[ticket_type_id]):
            raise SoldOut()
        HoldLine.objects.create(
            hold=hold, ticket_type_id=ticket_type_id, quantity=wanted[ticket_type_id]
        )
    return hold


@transaction.atomic
def hold_seats(*, buyer, event: Event, seat_ids: list[int]) -> Hold:
    """Hold exactly these seats, all or nothing."""
    seat_ids = sorted({int(s) for s in seat_ids})
    if not seat_ids:
        raise InvalidSelection("Choose at least one seat.")
    seats = list(Seat.objects.filter(event=event, pk__in=seat_ids, is_blocked=False))
    if len(seats) != len(seat_ids):
        raise InvalidSelection("One of those seats cannot be booked.")
    _release_active_hold(buyer=buyer, event=event)
    hold = Hold.objects.create(
        buyer=buyer, event=event, expires_at=timezone.now() + hold_duration()
    )
    try:
        with transaction.atomic():
            SeatClaim.objects.bulk_create([SeatClaim(seat=seat, hold=hold) for seat in seats])
    except IntegrityError as exc:  # the partial unique index: somebody has one of them
        raise SeatTaken() from exc
    for ticket_type_id, count in sorted(Counter(s.ticket_type_id for s in seats).items()):
        if not _take(ticket_type_id, count):
            raise SoldOut()
        HoldLine.objects.create(hold=hold, ticket_type_id=ticket_type_id, quantity=count)
    return hold


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
    for line in hold.lines.all():
        TicketType.objects.filter(pk=line.ticket_type_id).update(held=F("held") - line.quantity)
    hold.seat_claims.filter(state=SeatClaim.State.HELD).update(state=SeatClaim.State.RELEASED)
    return True


def expire_lapsed_holds() -> int:
    """Release every hold past its deadline; safe to run from several workers at once."""
    released = 0
    for hold in Hold.objects.lapsed().only("pk"):
        released += release_hold(hold=hold, status=Hold.Status.EXPIRED)
    return released


@transaction.atomic
def sell_hold(*, hold: Hold) -> bool:
    """Turn a held reservation into sold stock. False if the hold is no longer active."""
    if not _close(hold, Hold.Status.SOLD):
        return False
    for line in hold.lines.all():
        TicketType.objects.filter(pk=line.ticket_type_id).update(
            held=F("held") - line.quantity, sold=F("sold") + line.quantity
        )
    hold.seat_claims.filter(state=SeatClaim.State.HELD).update(state=SeatClaim.State.SOLD)
    return True


@transaction.atomic
def sell_lapsed_hold(*, hold: Hold) -> bool:
    """A payment arrived after the hold lapsed: sell the same selection again if stock allows.

    Returns False (and changes nothing) when any of it is gone; the caller then refunds.
    """
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.status == Hold.Status.ACTIVE:
        return sell_hold(hold=hold)
    if hold.status not in (Hold.Status.EXPIRED, Hold.Status.RELEASED):
        return False
    try:
        with transaction.atomic():
            for line in hold.lines.order_by("ticket_type_id"):
                taken = TicketType.objects.filter(
                    pk=line.ticket_type_id, held__lte=F("capacity") - F("sold") - line.quantity
                ).update(sold=F("sold") + line.quantity)
                if not taken:
                    raise SoldOut()
            seat_ids = list(hold.seat_claims.values_list("seat_id", flat=True))
            SeatClaim.objects.bulk_create(
                [SeatClaim(seat_id=s, hold=hold, state=SeatClaim.State.SOLD) for s in seat_ids]
            )
            Hold.objects.filter(pk=hold.pk).update(
                status=Hold.Status.SOLD, closed_at=timezone.now()
            )
    except (SoldOut, IntegrityError):
        return False
    return True


@transaction.atomic
def return_sold(*, ticket_type_id: int, quantity: int = 1, seat_id: int | None = None) -> None:
    """A sold admission was refunded or voided: its stock goes back on sale."""
    TicketType.objects.filter(pk=ticket_type_id).update(sold=F("sold") - quantity)
    if seat_id is not None:
        SeatClaim.objects.filter(seat_id=seat_id, state=SeatClaim.State.SOLD).update(
            state=SeatClaim.State.RELEASED
        )
