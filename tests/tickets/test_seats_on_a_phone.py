"""Seats on a phone (issue 18 item 5): the map names sections and rows, a seat is never just
"Row A seat 4", the open map hears of seats taken meanwhile from a cheap poll, and order
lines, the hold, tickets and the PDF say section, row and seat."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from events import services as event_services
from events.models import Event, seat_place
from tests.factories import EventFactory, TicketTypeFactory, UserFactory, paid_order_with_tickets
from tickets import inventory, views

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
    assert 'hx-trigger="every 3s"' in html
    # The section picker: a link per section, usable without JavaScript.
    for section in theatre.sections.all():
        assert f'href="?section={section.pk}#seat-section" data-section-link="{section.pk}"' in html
        assert (
            f'<g role="group" aria-label="Section {section.name}" data-section="{section.pk}">'
            in html
        )
    assert "10 free" in html


def _seats_taken(html: str) -> set[int]:
    oob = re.search(r'<div id="seats-taken" hidden data-(taken|free)="([\d,]*)"', html)
    assert oob and 'hx-swap-oob="true"' in html
    assert oob[1] == "taken"  # a map this small lists the taken seats
    return {int(i) for i in oob[2].split(",") if i}


def test_the_status_poll_tells_the_open_map_which_seats_went(client, theatre):
    seat = theatre.seats.get(section__name="Balcony", row_label="A", number="4")
    url = f"/events/{theatre.slug}/availability?part=status"
    before = client.get(url)
    assert seat.pk not in _seats_taken(before.content.decode())
    assert "<html" not in before.content.decode()
    inventory.hold_seats(buyer=UserFactory(), event=theatre, seat_ids=[seat.pk])
    # Every open map asks the same every 3 s: one answer per event for two seconds...
    assert client.get(url).content == before.content
    time.sleep(views.STATUS_CACHE_SECONDS + 0.2)
    # ...then the seat shows as taken, within the few seconds the issue allows.
    assert seat.pk in _seats_taken(client.get(url).content.decode())


def test_the_status_poll_is_cheap_and_public(client, theatre, django_assert_max_num_queries):
    url = f"/events/{theatre.slug}/availability?part=status"
    # Built: the event, the lapsed-hold sweep, seated bands, ticket types, claims, blocked.
    with django_assert_max_num_queries(6):
        first = client.get(url)
    with django_assert_max_num_queries(0):  # then, for two seconds, from the shared cache
        assert client.get(url).content == first.content
    assert first.status_code == 200
    assert "public" in first["Cache-Control"] and "max-age=2" in first["Cache-Control"]
    assert "no-store" not in first["Cache-Control"] and "private" not in first["Cache-Control"]
    buyer = Client()
    buyer.force_login(UserFactory())
    buyer.get("/")  # the session is loaded and its lifetime started
    with django_assert_max_num_queries(2):  # the shared answer; the buyer's session at most
        again = buyer.get(url)
    assert again.content == first.content  # nothing personal in it


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
    tickets[0].__class__.objects.filter(pk=tickets[0].pk).update(seat=seat)
    assert "Balcony · Row B · Seat 2" in client.get(f"/orders/{order.reference}").content.decode()
    # The JSON API names it the same way next to the internal label.
    [item] = client.get(f"/api/v1/me/orders/{order.reference}").json()["items"]
    assert item["seat_place"] == "Balcony · Row B · Seat 2"
    [ticket] = client.get("/api/v1/me/tickets").json()["results"]
    assert ticket["seat_place"] == "Balcony · Row B · Seat 2"


def test_a_seat_is_named_by_section_row_and_number():
    assert seat_place("Balcony", "A", "4") == "Balcony · Row A · Seat 4"
    assert seat_place("Stalls", "A", "4") != seat_place("Balcony", "A", "4")


def test_every_page_names_a_seat_with_its_place_only():
    """Order lines, tickets, the PDF and emails print `seat.place` (seat_place()): never the
    internal label, nor a row and number put together by hand."""
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    offenders = []
    for root in roots:
        for path in [*root.rglob("*.html"), *root.rglob("*.txt")]:
            text = path.read_text()
            if re.search(r"seat\.label|seat\.row_label|seat\.number|Row \{\{ *\w+\.row", text):
                offenders.append(str(path))
    assert offenders == []


def test_without_javascript_a_section_lists_its_seats_as_checkboxes(theatre):
    balcony = theatre.sections.get(name="Balcony")
    taken = theatre.seats.get(section=balcony, row_label="A", number="1")
    inventory.hold_seats(buyer=UserFactory(), event=theatre, seat_ids=[taken.pk])
    wanted = theatre.seats.get(section=balcony, row_label="B", number="3")
    buyer = UserFactory()
    client = Client()
    client.force_login(buyer)
    html = client.get(f"/events/{theatre.slug}?section={balcony.pk}").content.decode()
    assert "Balcony: tick the seats you want" in html
    assert f'value="{wanted.pk}" aria-label="Balcony · Row B · Seat 3"' in html
    assert f'value="{taken.pk}" disabled aria-label="Balcony · Row A · Seat 1, taken"' in html
    assert html.count('type="checkbox" name="seat"') == 10  # Balcony only
    assert "tick the seats" not in client.get(f"/events/{theatre.slug}?section=x").content.decode()
    response = client.post(f"/events/{theatre.slug}/hold-seats", {"seat": [str(wanted.pk)]})
    assert response.status_code == 302 and "/checkout?hold=" in response["Location"]
    hold = buyer.holds.get()
    assert [c.seat_id for c in hold.seat_claims.all()] == [wanted.pk]
