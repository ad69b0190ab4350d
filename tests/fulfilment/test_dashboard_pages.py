"""The buyer's dashboard on a phone (issue 18 item 7) in a fixed number of queries (issue 21):
tickets grouped by event and order, upcoming first, past folded, orders as cards."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import cache as event_cache
from orders.models import Order
from tests.factories import (
    PASSWORD,
    EventFactory,
    OrderFactory,
    SeatFactory,
    SeatSectionFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)
from tickets import fulfilment, holder_version
from tickets.models import DeliveryLog, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(email="ada@example.ng", full_name="Ada Obi")


@pytest.fixture
def signed_in(client, buyer):
    client.login(email=buyer.email, password=PASSWORD)
    return client


def _days(n):
    return timezone.now() + timedelta(days=n)


def buy(buyer, *, days, quantity=2, title=None):
    """A paid, delivered order for an event `days` from now (negative: in the past)."""
    named = {"title": title} if title else {}
    event = EventFactory(starts_at=_days(days), ends_at=_days(days) + timedelta(hours=4), **named)
    order, tickets = paid_order_with_tickets(
        ticket_type=TicketTypeFactory(event=event), quantity=quantity, buyer=buyer
    )
    DeliveryLog.objects.create(order=order, channel="pdf", state="sent")
    return order


def data(buyer, scale):
    """Upcoming and past orders, one still being prepared, a second order for one event."""
    for i in range(scale):
        buy(buyer, days=3 + i)
        buy(buyer, days=-3 - i)
    twice = buy(buyer, days=40)
    paid_order_with_tickets(ticket_type=twice.items.first().ticket_type, quantity=1, buyer=buyer)
    OrderFactory(buyer=buyer, items=1)  # paid, tickets not issued yet


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def built(client, buyer, url) -> int:
    """The queries of the page built afresh (My tickets is cached until its holder's
    tickets change: tickets.holder_version), then those of the next request."""
    event_cache.bump_version(holder_version.holder_version_key(buyer.pk))
    return queries(client, url), queries(client, url)


@pytest.mark.parametrize("url", ["/dashboard/tickets", "/dashboard/orders"])
def test_the_dashboard_costs_the_same_queries_at_ten_times_the_data(signed_in, buyer, url):
    data(buyer, 3)
    tickets = Ticket.objects.filter(holder=buyer).count()
    signed_in.get(url)  # the first request after sign-in writes the session
    small = built(signed_in, buyer, url)
    data(buyer, 33)
    assert Ticket.objects.filter(holder=buyer).count() >= 10 * tickets
    assert built(signed_in, buyer, url) == small
    assert small[0] <= 12
    if url == "/dashboard/tickets":
        assert small[1] == 0  # from the cache, the signed-in user too: no query


def test_the_order_page_costs_the_same_queries_however_many_tickets(signed_in, buyer):
    few = buy(buyer, days=5, quantity=2)
    many = buy(buyer, days=6, quantity=20)
    signed_in.get(f"/orders/{few.reference}")  # the first request after sign-in writes the session
    assert queries(signed_in, f"/orders/{few.reference}") == queries(
        signed_in, f"/orders/{many.reference}"
    )


def test_upcoming_soonest_first_grouped_by_event_and_order_past_folded(signed_in, buyer):
    later = buy(buyer, days=30, title="Later Fest")
    soon = buy(buyer, days=2, title="Soon Gig")
    again, _ = paid_order_with_tickets(
        ticket_type=soon.items.first().ticket_type, quantity=1, buyer=buyer
    )
    buy(buyer, days=-10, title="Old Concert")
    page = signed_in.get("/dashboard/tickets").content.decode()
    assert page.index("Soon Gig") < page.index("Later Fest") < page.index("Past events (1)")
    assert page.count("Soon Gig") == 1  # one event card ...
    assert soon.reference in page and again.reference in page  # ... with both orders in it
    assert '<details class="past-events">' in page  # folded
    assert page.index("Old Concert") > page.index("Past events")
    assert later.reference in page


def test_the_dashboard_is_paginated(signed_in, buyer):
    for i in range(12):
        buy(buyer, days=2 + i, quantity=1, title=f"Gig number {i:02d}")
    first = signed_in.get("/dashboard/tickets").content.decode()
    assert "Gig number 00" in first and "Gig number 09" in first and "Gig number 10" not in first
    second = signed_in.get("/dashboard/tickets?page=2").content.decode()
    assert "Gig number 10" in second and "Gig number 00" not in second


def test_orders_are_cards_upcoming_first(signed_in, buyer):
    old = buy(buyer, days=-20, title="Old Concert")
    soon = buy(buyer, days=2, title="Soon Gig")
    page = signed_in.get("/dashboard/orders").content.decode()
    assert "<table" not in page
    assert page.count('class="card order-card') == 2
    assert page.index(soon.reference) < page.index(old.reference)


def test_after_a_partial_refund_the_valid_tickets_stay_visible(signed_in, buyer):
    order = buy(buyer, days=5, quantity=3, title="Refund Fest")
    void = order.tickets.first()
    Ticket.objects.filter(pk=void.pk).update(status=Ticket.Status.VOID)
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.PARTIALLY_REFUNDED, refunded_kobo=1_000_000
    )
    dashboard = signed_in.get("/dashboard/tickets").content.decode()
    assert dashboard.count("Show QR") == 2
    detail = signed_in.get(f"/orders/{order.reference}").content.decode()
    assert detail.count("Show QR") == 2 and "Partially refunded" in detail
    cards = signed_in.get("/dashboard/orders").content.decode()
    assert "2 valid tickets" in cards and "₦10,000.00 refunded" in cards


def test_seats_say_section_row_and_number(signed_in, buyer):
    section = SeatSectionFactory(name="Balcony")
    seat = SeatFactory(section=section, row_label="A", number="4")
    order, _ = paid_order_with_tickets(
        ticket_type=seat.ticket_type, quantity=1, buyer=buyer, sold=False
    )
    Ticket.objects.filter(order=order).update(seat=seat)
    page = signed_in.get("/dashboard/tickets").content.decode()
    assert "Balcony · Row A · Seat 4" in page


def test_phone_numbers_show_in_national_format(signed_in, buyer):
    order = buy(buyer, days=5)
    Order.objects.filter(pk=order.pk).update(phone="+2348031234567")
    page = signed_in.get(f"/orders/{order.reference}").content.decode()
    assert "0803 123 4567" in page and "+2348031234567" not in page


def test_the_preparing_state_needs_no_query_per_order(buyer):
    orders = [OrderFactory(buyer=buyer, items=1) for _ in range(3)]
    annotated = list(
        fulfilment.with_ticket_state(Order.objects.filter(pk__in=[o.pk for o in orders]))
    )
    with CaptureQueriesContext(connection) as captured:
        assert [fulfilment.tickets_ready(o) for o in annotated] == [False, False, False]
    assert len(captured) == 0


def test_an_event_card_lists_a_few_tickets_and_links_the_order_for_the_rest(signed_in, buyer):
    from tickets.dashboard import TICKETS_SHOWN_PER_EVENT

    big = buy(buyer, days=5, quantity=TICKETS_SHOWN_PER_EVENT + 4, title="Gidi Fest")
    small = buy(buyer, days=9, quantity=2, title="Small Gig")
    page = signed_in.get("/dashboard/tickets").content.decode()
    assert page.count("Show QR") == TICKETS_SHOWN_PER_EVENT + 2
    assert f'and 4 more tickets: <a href="/orders/{big.reference}">view order' in page
    assert f'more tickets: <a href="/orders/{small.reference}"' not in page
    shown = {t.pk for t in big.tickets.order_by("pk")[:TICKETS_SHOWN_PER_EVENT]}
    for ticket in big.tickets.all():
        assert (f'href="/dashboard/tickets/{ticket.pk}/qr"' in page) == (ticket.pk in shown)


def test_each_buyer_sees_only_their_own_tickets_on_the_same_pages(client, buyer):
    mine = buy(buyer, days=5, quantity=2, title="Ada's Gig")
    other = UserFactory(email="bola@example.ng")
    theirs = buy(other, days=5, quantity=2, title="Bola's Gig")
    client.login(email=buyer.email, password=PASSWORD)
    first = client.get("/dashboard/tickets").content.decode()
    client.logout()
    client.login(email=other.email, password=PASSWORD)
    second = client.get("/dashboard/tickets").content.decode()
    assert mine.reference in first and theirs.reference not in first
    assert theirs.reference in second and mine.reference not in second
