from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.factories import EventFactory, OrderFactory, TicketTypeFactory, paid_order_with_tickets

pytestmark = pytest.mark.django_db


def test_dashboard_shows_sold_of_capacity_and_money_in_naira(organizer_client, event, regular):
    paid_order_with_tickets(ticket_type=regular, quantity=2, fee_kobo=80_000)
    paid_order_with_tickets(ticket_type=regular, quantity=1, fee_kobo=40_000)
    OrderFactory(event=event, status="pending", total_kobo=999_999_00, paid_at=None)

    response = organizer_client.get(reverse("organizer:dashboard"))

    assert response.status_code == 200
    text = response.content.decode()
    upcoming = response.context["board"].upcoming
    assert [e.title for e in upcoming] == ["Lagos Jazz Night"]
    e = upcoming[0]
    assert (e.sold_total, e.capacity_total) == (3, 100)
    assert e.gross_kobo == 3_000_000 + 120_000  # subtotals + buyer-paid fees, pending ignored
    assert e.fees_kobo == 120_000
    assert e.net_kobo == 3_000_000
    assert "3 of 100" in text
    assert "₦31,200.00" in text and "₦1,200.00" in text and "₦30,000.00" in text


def test_refunds_come_off_gross(organizer_client, event, regular):
    paid_order_with_tickets(
        ticket_type=regular, quantity=2, status="partially_refunded", refunded_kobo=1_000_000
    )
    paid_order_with_tickets(ticket_type=regular, quantity=1, status="refunded")
    e = organizer_client.get(reverse("organizer:dashboard")).context["board"].upcoming[0]
    assert e.gross_kobo == 2_000_000 + 45_000 - 1_000_000


def test_events_are_grouped_draft_upcoming_past(organizer_client, organizer):
    EventFactory(organizer=organizer, title="Draft Gig", status=Event.Status.DRAFT)
    EventFactory(organizer=organizer, title="Next Week")
    past = timezone.now() - timedelta(days=30)
    EventFactory(organizer=organizer, title="Last Month", starts_at=past)
    EventFactory(title="Not Mine")
    board = organizer_client.get(reverse("organizer:dashboard")).context["board"]
    assert [e.title for e in board.drafts] == ["Draft Gig"]
    assert [e.title for e in board.upcoming] == ["Next Week"]
    assert [e.title for e in board.past] == ["Last Month"]


def test_an_event_at_90_percent_needs_attention(organizer_client, event):
    tt = TicketTypeFactory(event=event, capacity=10)
    paid_order_with_tickets(ticket_type=tt, quantity=9)
    response = organizer_client.get(reverse("organizer:dashboard"))
    attention = response.context["board"].attention
    assert [(a.kind, a.text) for a in attention] == [("selling_out", "90% sold — 1 left")]
    assert "Selling out" in response.content.decode()


def test_a_sold_out_event_is_flagged_sold_out_not_selling_out(organizer_client, event):
    tt = TicketTypeFactory(event=event, capacity=10)
    paid_order_with_tickets(ticket_type=tt, quantity=10)
    response = organizer_client.get(reverse("organizer:dashboard"))
    attention = response.context["board"].attention
    assert [(a.kind, a.text) for a in attention] == [("sold_out", "All 10 tickets sold")]
    html = response.content.decode()
    assert "Sold out" in html and "Selling out" not in html


def test_dashboard_costs_the_same_queries_for_one_event_or_many(organizer_client, organizer):
    def count():
        cache.clear()  # built from the database, not the organizer's cached figures
        with CaptureQueriesContext(connection) as ctx:
            assert organizer_client.get(reverse("organizer:dashboard")).status_code == 200
        return len(ctx.captured_queries)

    e = EventFactory(organizer=organizer)
    paid_order_with_tickets(ticket_type=TicketTypeFactory(event=e))
    count()  # the first request after sign-in writes the session (now in the database)
    one = count()
    for _ in range(6):
        e = EventFactory(organizer=organizer)
        paid_order_with_tickets(ticket_type=TicketTypeFactory(event=e), quantity=2)
    assert count() == one
