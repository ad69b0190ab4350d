"""What the buyer's dashboard shows, read in a fixed number of queries however many tickets
and orders the buyer has: events paginated (upcoming soonest first, past folded away, most
recent first), each with its tickets grouped by order; orders as paginated cards."""

from dataclasses import dataclass, field
from itertools import groupby

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Min, Q, Value, When
from django.utils import timezone

from events.models import Event
from orders.models import Order
from tickets import fulfilment
from tickets.models import Ticket, TicketTransfer

EVENTS_PER_PAGE = 10
PAST_PER_PAGE = 20
ORDERS_PER_PAGE = 20
PREPARING_SHOWN = 5


@dataclass
class OrderGroup:
    order: Order
    tickets: list[Ticket]


@dataclass
class EventGroup:
    event: Event
    ticket_count: int
    orders: list[OrderGroup] = field(default_factory=list)


def valid_tickets(user):
    """The tickets a buyer can take to the gate (not transferred away, not voided)."""
    return Ticket.objects.filter(holder=user, status=Ticket.Status.VALID)


def valid_tickets_of_orders(orders):
    """Those orders' valid tickets still held by the order's buyer (a guest's order page)."""
    return Ticket.objects.filter(
        order__in=orders, holder_id=F("order__buyer_id"), status=Ticket.Status.VALID
    )


def _event_page(user, *, upcoming: bool, number, per_page: int) -> Page:
    """A page of (event id, ticket count) rows for the events the buyer holds tickets for."""
    now = timezone.now()
    when = Q(event__ends_at__gte=now) if upcoming else Q(event__ends_at__lt=now)
    rows = (
        valid_tickets(user)
        .filter(when)
        .values("event_id")
        .annotate(n=Count("pk"), starts=Min("event__starts_at"))
    )
    rows = (
        rows.order_by("starts", "event_id") if upcoming else rows.order_by("-starts", "-event_id")
    )
    return Paginator(rows, per_page).get_page(number)


def _events_by_id(ids) -> dict[int, Event]:
    return Event.objects.select_related("venue").in_bulk(ids)


def upcoming(user, number=1) -> tuple[Page, list[EventGroup]]:
    """The buyer's upcoming events with every valid ticket, grouped by order."""
    page = _event_page(user, upcoming=True, number=number, per_page=EVENTS_PER_PAGE)
    ids = [row["event_id"] for row in page]
    events = _events_by_id(ids)
    tickets = list(
        valid_tickets(user)
        .filter(event_id__in=ids)
        .select_related("ticket_type", "seat__section", "order")
        .order_by("event_id", "order_id", "seat__section__position", "seat__row_label", "pk")
    )
    transfers = {
        t.ticket_id: t
        for t in TicketTransfer.objects.filter(
            sender=user, status=TicketTransfer.Status.PENDING, ticket__in=tickets
        )
    }
    by_event = {}
    for event_id, in_event in groupby(tickets, key=lambda t: t.event_id):
        orders = []
        for _, in_order in groupby(in_event, key=lambda t: t.order_id):
            group = list(in_order)
            for ticket in group:
                ticket.pending_transfer = transfers.get(ticket.pk)
            orders.append(OrderGroup(order=group[0].order, tickets=group))
        by_event[event_id] = orders
    groups = [
        EventGroup(
            event=events[row["event_id"]],
            ticket_count=row["n"],
            orders=by_event.get(row["event_id"], []),
        )
        for row in page
    ]
    return page, groups


def past(user, number=1) -> tuple[Page, list[EventGroup]]:
    """The buyer's past events, most recent first, with how many tickets they had."""
    page = _event_page(user, upcoming=False, number=number, per_page=PAST_PER_PAGE)
    events = _events_by_id([row["event_id"] for row in page])
    return page, [EventGroup(event=events[row["event_id"]], ticket_count=row["n"]) for row in page]


def preparing(user) -> list[Order]:
    """Paid orders whose tickets are still being issued (the newest few)."""
    orders = fulfilment.with_ticket_state(
        Order.objects.filter(buyer=user, status=Order.Status.PAID).select_related("event")
    ).filter(tickets_issued=False, pdf_failed=False)
    return list(orders.order_by("-paid_at", "-pk")[:PREPARING_SHOWN])


def orders(user, number=1) -> Page:
    """The buyer's orders as cards: upcoming events' orders first (soonest event first),
    then past ones (most recent first); each with its count of valid tickets."""
    now = timezone.now()
    past_event = Case(
        When(event__ends_at__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    soonest = Case(When(event__ends_at__gte=now, then=F("event__starts_at")), default=None)
    rows = (
        fulfilment.with_ticket_state(Order.objects.filter(buyer=user))
        .select_related("event", "event__venue")
        .annotate(
            is_past=past_event,
            soonest=soonest,
            valid_tickets=Count("tickets", filter=Q(tickets__status=Ticket.Status.VALID)),
        )
        .order_by("is_past", F("soonest").asc(nulls_last=True), "-event__starts_at", "-created_at")
    )
    return Paginator(rows, ORDERS_PER_PAGE).get_page(number)
