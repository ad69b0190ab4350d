"""Seats on a phone (issue 18 item 5): the map names sections and rows, a seat is never just
"Row A seat 4", the open map hears of seats taken meanwhile from a cheap poll, and order
lines, the hold, tickets and the PDF say section, row and seat."""

import re

import pytest
from django.test import Client

from events import services as event_services
from events.models import Event
from tests.factories import EventFactory, TicketTypeFactory, UserFactory, paid_order_with_tickets
from tickets import inventory

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


@pytest.fixture
def theatre():
    event = EventFactory(title="Theatre Night", seating=Event.Seating.RESERVED)
    for name in ("Stalls", "Balcony"):
        band = TicketTypeFactory(event=event, name=f"{name} seats", capacity=0)
        event_services.generate_section(
            event=event, name=name, rows=2, seats_per_row=5, ticket_type=band
        )
    return event


def test_the_map_names_sections_and_rows_and_every_seat_says_its_section(client, theatre):
    html = client.get(f"/events/{theatre.slug}").content.decode()
    assert '<text x="' in html and 'class="section-name">Stalls</text>' in html
    assert 'class="section-name">Balcony</text>' in html
    assert re.search(r'class="row-label"[^>]*>A</text>', html)
    assert 'aria-label="Stalls · Row A · Seat 4"' in html
    assert 'aria-label="Balcony · Row A · Seat 4"' in html
    assert 'aria-label="Row A seat 4"' not in html
    assert "data-seat-zoom" in html and 'hx-trigger="every 3s"' in html


def test_the_status_poll_tells_the_open_map_which_seats_went(client, theatre):
    seat = theatre.seats.get(section__name="Balcony", row_label="A", number="4")
    before = client.get(f"/events/{theatre.slug}/availability?part=status").content.decode()
    inventory.hold_seats(buyer=UserFactory(), event=theatre, seat_ids=[seat.pk])
    after = client.get(f"/events/{theatre.slug}/availability?part=status").content.decode()
    oob = re.search(r'<div id="seats-taken" hidden data-(taken|free)="([\d,]*)"', after)
    assert oob and 'hx-swap-oob="true"' in after
    listed = {int(i) for i in oob[2].split(",") if i}
    assert (seat.pk in listed) == (oob[1] == "taken")
    assert before != after
    assert "<html" not in after


def test_order_lines_and_the_hold_say_section_row_and_seat(theatre):
    seat = theatre.seats.get(section__name="Balcony", row_label="B", number="2")
    buyer = UserFactory()
    client = Client()
    client.force_login(buyer)
    hold = inventory.hold_seats(buyer=buyer, event=theatre, seat_ids=[seat.pk])
    assert "Balcony · Row B · Seat 2" in client.get(f"/holds/{hold.pk}").content.decode()
    order, tickets = paid_order_with_tickets(
        ticket_type=seat.ticket_type, quantity=1, buyer=buyer, sold=False
    )
    order.items.update(seat=seat)
    assert "Balcony · Row B · Seat 2" in client.get(f"/orders/{order.reference}").content.decode()
