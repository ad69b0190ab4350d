"""What the buyer's dashboard shows, read in a fixed number of queries however many tickets
and orders the buyer has: events paginated (upcoming soonest first, past folded away, most
recent first), each with its tickets grouped by order; orders as paginated cards."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Min, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from events import cache as event_cache
from events.models import Event
from orders.models import Order
from tickets import fulfilment, holder_version
from tickets.models import DeliveryLog, Ticket, TicketTransfer

EVENTS_PER_PAGE = 10
PAST_PER_PAGE = 20
ORDERS_PER_PAGE = 20
PREPARING_SHOWN = 5
# Read to find the few shown whose PDF has not failed (a bound should issuing be stuck).
PREPARING_READ = 50
# Tickets listed per event card; the rest are one "and K more: view order" link per order
# (a buyer with 40 tickets to one festival opens the order for them, as on a real box office).
TICKETS_SHOWN_PER_EVENT = 6


@dataclass
class OrderGroup:
    order: Order
    tickets: list[Ticket]
    more: int = 0  # the order's valid tickets not listed on the card


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


def _events_held(user) -> tuple[list[dict], list[dict]]:
    """(upcoming soonest first, past most recent first): a row {event_id, n} per event the
    buyer holds valid tickets for, in one grouped query. The rows are a few bytes each and a
    buyer holds tickets for tens of events, so both lists are paginated in Python."""
    now = timezone.now()
    rows = list(
        valid_tickets(user)
        .values("event_id")
        .annotate(n=Count("pk"), starts=Min("event__starts_at"), ends=Min("event__ends_at"))
        .order_by("starts", "event_id")
    )
    return [r for r in rows if r["ends"] >= now], [r for r in reversed(rows) if r["ends"] < now]


def _events_by_id(ids) -> dict[int, Event]:
    """What an event card shows (not the description or the search document)."""
    return (
        Event.objects.select_related("venue")
        .only("title", "slug", "starts_at", "ends_at", "venue__name", "venue__city")
        .in_bulk(ids)
    )


def _shown_tickets(user, rows) -> list[Ticket]:
    """The first TICKETS_SHOWN_PER_EVENT valid tickets of each event of `rows` (by order,
    then seat), each with `in_order`, how many valid tickets its order has: one query however
    many. Only when an event has more tickets than a card lists is the query windowed (its
    SQL costs more to build than to run)."""
    within_event = ["order_id", "seat__section__position", "seat__row_label", "pk"]
    tickets = (
        valid_tickets(user)
        .filter(event_id__in=[row["event_id"] for row in rows])
        .select_related("ticket_type", "seat__section", "order")
        .only(
            "order_id",
            "event_id",
            "attendee_name",
            "ticket_type__name",
            "seat__row_label",
            "seat__number",
            "seat__section__name",
            "order__reference",
            "order__buyer_id",
            "order__status",
        )  # fmt: skip
        .order_by("event_id", *within_event)
    )
    if all(row["n"] <= TICKETS_SHOWN_PER_EVENT for row in rows):
        return list(tickets)  # every ticket of these events is listed: `in_order` is unused
    return list(
        tickets.annotate(
            position=Window(RowNumber(), partition_by=F("event_id"), order_by=within_event),
            in_order=Window(Count("pk"), partition_by=F("order_id")),
        ).filter(position__lte=TICKETS_SHOWN_PER_EVENT)
    )


@dataclass
class MyTickets:
    page: Page  # of upcoming events
    groups: list[EventGroup]
    past_page: Page
    past: list[EventGroup]
    # When the soonest upcoming event ends and moves to "past" (None: nothing upcoming).
    changes_at: datetime | None = None


def _grouped(user, rows, events) -> list[EventGroup]:
    """Event cards for `rows`, each with its first few tickets grouped by order."""
    tickets = _shown_tickets(user, rows)
    # A buyer has a handful of transfers waiting at most: all of theirs, without the list.
    transfers = {
        t.ticket_id: t
        for t in TicketTransfer.objects.filter(sender=user, status=TicketTransfer.Status.PENDING)
    }
    by_event = {}
    for event_id, in_event in groupby(tickets, key=lambda t: t.event_id):
        orders = []
        for _, in_order in groupby(in_event, key=lambda t: t.order_id):
            group = list(in_order)
            for ticket in group:
                ticket.pending_transfer = transfers.get(ticket.pk)
            more = getattr(group[0], "in_order", len(group)) - len(group)
            orders.append(OrderGroup(order=group[0].order, tickets=group, more=more))
        by_event[event_id] = orders
    return [
        EventGroup(
            event=events[row["event_id"]],
            ticket_count=row["n"],
            orders=by_event.get(row["event_id"], []),
        )
        for row in rows
    ]


def my_tickets(user, *, page=1, past_page=1) -> MyTickets:
    """A page of the buyer's upcoming events with their valid tickets (the first few of
    each event, grouped by order) and a page of past events with how many tickets they had:
    a fixed number of queries however many tickets."""
    upcoming, past = _events_held(user)
    page = Paginator(upcoming, EVENTS_PER_PAGE).get_page(page)
    past_page = Paginator(past, PAST_PER_PAGE).get_page(past_page)
    events = _events_by_id([row["event_id"] for row in [*page, *past_page]])
    return MyTickets(
        page=page,
        groups=_grouped(user, list(page), events),
        past_page=past_page,
        past=[
            EventGroup(event=events[row["event_id"]], ticket_count=row["n"]) for row in past_page
        ],
        changes_at=min((row["ends"] for row in upcoming), default=None),
    )


def preparing(user) -> list[Order]:
    """Paid orders whose tickets are still being issued (the newest few), unless their PDF
    failed for good (the order page says support is on it). An order waits for its tickets
    for seconds, so a buyer has none such nearly always: one cheap query (a join, not the
    subqueries of `fulfilment.with_ticket_state`, whose SQL costs more to build than to run),
    and a second only when there are some."""
    waiting = list(
        Order.objects.filter(buyer=user, status=Order.Status.PAID, tickets__isnull=True)
        .only("reference", "email", "paid_at")
        .order_by("-paid_at", "-pk")[:PREPARING_READ]
    )
    if not waiting:
        return []
    stuck = set(
        DeliveryLog.objects.filter(
            order__in=waiting, channel=DeliveryLog.Channel.PDF, state=DeliveryLog.State.FAILED
        ).values_list("order_id", flat=True)
    )
    return [order for order in waiting if order.pk not in stuck][:PREPARING_SHOWN]


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


# --- The page, cached per holder -------------------------------------------------------
#
# "My tickets" is the same for a holder until something it shows changes, and every such
# change moves one of two versions on: the holder's (tickets.holder_version: tickets issued,
# voided or transferred, a transfer started or cancelled, an order paid, refunded or
# cancelled, a PDF that failed for good, their name) or a shown event's (events.cache: the
# event, its ticket types, seats, sections or venue edited). The page's main fragment is
# kept per holder, page and holder version with the versions of the events it shows; an
# event that ends moves to "past" at the time the copy remembers.

PAGE_TIMEOUT = 15 * 60
# The fragment is rendered with this in place of the CSRF token, which is put back per
# request (the token is per session and masked per response; the copy outlives both).
CSRF_PLACEHOLDER = "__dashboard_csrf_token__"


def cached_tickets_page(user, *, page, past, build) -> str:
    """The main fragment of a holder's "My tickets" (`build()` returns its HTML and the
    MyTickets it shows), cached per holder, page and version; private to that holder."""
    versions = event_cache.versions(holder_version.holder_version_key(user.pk))
    if versions is None:  # the cache is unreachable
        return build()[0]
    pages = hashlib.sha256(f"{page}|{past}".encode()).hexdigest()[:16]
    key = f"tickets:page:{user.pk}:{versions[0]}:{pages}"
    entry = cache.get(key)
    if (
        entry is not None
        and (entry["until"] is None or timezone.now() < entry["until"])
        and (not entry["events"] or event_cache.event_versions(entry["events"]) == entry["events"])
    ):
        return entry["html"]
    html, mine = build()
    shown = [group.event.pk for group in [*mine.groups, *mine.past]]
    events = event_cache.event_versions(shown) if shown else {}
    if events is not None:
        timeout = PAGE_TIMEOUT
        if mine.changes_at is not None:
            seconds = (mine.changes_at - timezone.now()).total_seconds()
            timeout = max(1, min(timeout, int(seconds) + 1))
        entry = {"html": html, "events": events, "until": mine.changes_at}
        cache.set(key, entry, timeout)
    return html
