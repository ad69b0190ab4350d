"""The one availability read model: what is left of an event, as every page shows it (the
event page's selector, the seat map, the hold answers). Read from the database, the truth,
on every request; lapsed holds are released lazily first (throttled)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import dateformat, timezone

from events.models import Event, Seat, TicketType
from tickets.inventory.holds import sweep_event
from tickets.models import SeatClaim

LOW_STOCK = 10


@dataclass
class Row:
    """One ticket type: how many are left and what a buyer is told about it."""

    ticket_type: TicketType
    available: int
    seated: bool
    chosen: int = 0

    @property
    def pk(self):
        return self.ticket_type.pk

    @property
    def not_yet(self) -> bool:
        start = self.ticket_type.sales_start
        return bool(start and timezone.now() < start)

    @property
    def ended(self) -> bool:
        end = self.ticket_type.sales_end
        return bool(end and timezone.now() >= end)

    @property
    def on_sale(self) -> bool:
        return not self.not_yet and not self.ended

    @property
    def sold_out(self) -> bool:
        return self.available <= 0

    @property
    def low(self) -> bool:
        return 0 < self.available <= LOW_STOCK

    @property
    def code(self) -> str:
        """The state in one word, as the public API names it: not_yet, ended, sold_out, low
        or on_sale (the sales window first: a closed sale is "ended" even when sold out)."""
        if self.not_yet:
            return "not_yet"
        if self.ended:
            return "ended"
        if self.sold_out:
            return "sold_out"
        return "low" if self.low else "on_sale"

    @property
    def choices(self) -> list[int]:
        t = self.ticket_type
        top = min(t.max_per_order, self.available)
        return [0] if top < t.min_per_order else [0, *range(t.min_per_order, top + 1)]

    @property
    def badge_class(self) -> str:
        if self.sold_out:
            return "badge-danger"
        return "badge-warning" if not self.on_sale or self.low else "badge-success"

    @property
    def badge_text(self) -> str:
        if self.sold_out:
            return "Sold out"
        if self.not_yet:
            start = timezone.localtime(self.ticket_type.sales_start)
            return f"On sale from {dateformat.format(start, 'D j M, g:i A')}"
        if self.ended:
            return "Sales ended"
        return f"Only {self.available:,} left" if self.low else "Available"


@dataclass
class Availability:
    event: Event
    rows: list[Row]

    @property
    def ga_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.seated]

    @property
    def seated(self) -> bool:
        return any(r.seated for r in self.rows)

    @property
    def on_sale(self) -> bool:
        return self.event.status == Event.Status.PUBLISHED and self.event.ends_at > timezone.now()

    @property
    def sold_out(self) -> bool:
        """Nothing left of any ticket type (the waiting room then turns to the waitlist)."""
        return bool(self.rows) and all(r.sold_out for r in self.rows)


def of_event(event: Event, *, chosen: dict | None = None, sweep: bool = True) -> Availability:
    """The event's visible ticket types with what is left of each. `chosen`: {type id:
    quantity} a buyer picked, shown selected."""
    if sweep:
        sweep_event(event)
    chosen = chosen or {}
    types = event.ticket_types.filter(is_visible=True).order_by("position", "price_kobo", "pk")
    seated = set()
    if event.is_reserved_seating:
        seats = Seat.objects.filter(event=event).order_by()  # the types, not every seat
        seated = set(seats.values_list("ticket_type_id", flat=True).distinct())
    rows = [Row(t, max(t.available, 0), t.pk in seated, chosen.get(t.pk, 0)) for t in types]
    return Availability(event, rows)


def unavailable_seats(event: Event) -> frozenset[int]:
    """Seats a buyer cannot pick: held (and not lapsed), sold, or blocked by the organizer."""
    live = (
        SeatClaim.objects.filter(
            hold__event=event, state__in=[SeatClaim.State.HELD, SeatClaim.State.SOLD]
        )
        .exclude(state=SeatClaim.State.HELD, hold__expires_at__lte=timezone.now())
        .values_list("seat_id", flat=True)
    )
    blocked = Seat.objects.filter(event=event, is_blocked=True).values_list("pk", flat=True)
    return frozenset(live) | frozenset(blocked)


# --- Summaries for lists (catalogue cards, the API, organizer pages) ----------------------


@dataclass(frozen=True)
class Summary:
    """What a list shows of one event: the cheapest visible ticket still to be had, the
    cheapest listed at all, and how many are left across the visible types."""

    from_kobo: int | None
    listed_from_kobo: int | None
    remaining: int

    @property
    def sold_out(self) -> bool:
        return self.remaining <= 0


def summarize(ticket_types) -> Summary:
    """From an event's ticket types (e.g. prefetched): no query of its own."""
    visible = [t for t in ticket_types if t.is_visible]
    left = [t for t in visible if t.available > 0]
    return Summary(
        from_kobo=min((t.price_kobo for t in left), default=None),
        listed_from_kobo=min((t.price_kobo for t in visible), default=None),
        remaining=sum(t.available for t in visible),
    )


@dataclass(frozen=True)
class Stock:
    """An event's stock across all its ticket types (organizer pages)."""

    capacity: int
    sold: int
    held: int

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.sold - self.held, 0)


def stock_by_event(event_ids) -> dict[int, Stock]:
    """Capacity, sold and held per event: one grouped query for a page of events."""
    from django.db.models import Sum

    rows = (
        TicketType.objects.filter(event_id__in=list(event_ids))
        .values("event")
        .annotate(capacity=Sum("capacity"), sold=Sum("sold"), held=Sum("held"))
        .order_by()
    )
    return {r["event"]: Stock(r["capacity"] or 0, r["sold"] or 0, r["held"] or 0) for r in rows}
