"""Sold out is not a dead end (issue 18 item 4): the event page says "Sold out" and offers
the waitlist with the quantity wanted; the catalogue card says sold out too."""

import re

import pytest

from events.models import TicketType
from tests.factories import PASSWORD, TicketTypeFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


@pytest.fixture
def sold_out():
    ticket_type = TicketTypeFactory(name="Regular", capacity=5, event__title="Gidi Fest")
    TicketType.objects.filter(pk=ticket_type.pk).update(sold=5)
    return ticket_type


def test_a_sold_out_event_offers_the_waitlist_instead_of_reserve(client, sold_out):
    html = client.get(f"/events/{sold_out.event.slug}").content.decode()
    assert "Sold out" in html
    assert "Reserve tickets" not in html and "Choose at least one ticket" not in html
    form = re.search(r'<form method="get" action="/waitlist".*?</form>', html, re.S)[0]
    assert f'name="event" value="{sold_out.event.slug}"' in form
    assert 'name="quantity"' in form and "Join the waitlist" in form


def test_one_sold_out_type_links_its_waitlist_and_the_rest_stays_on_sale(client, sold_out):
    TicketTypeFactory(event=sold_out.event, name="VIP", capacity=5, price_kobo=5_000_000)
    html = client.get(f"/events/{sold_out.event.slug}").content.decode()
    assert "Reserve tickets" in html
    assert (
        f'href="/waitlist?event={sold_out.event.slug}&amp;ticket_type={sold_out.pk}"' in html
        and "Join the waitlist for Regular" in html
    )


def test_the_catalogue_card_says_sold_out(client, sold_out):
    html = client.get("/events").content.decode()
    card = re.search(r'<article class="event-card is-sold-out">.*?</article>', html, re.S)[0]
    assert "Gidi Fest" in card and "Sold out" in card


def test_the_waitlist_form_starts_with_the_quantity_chosen(client, sold_out):
    buyer = UserFactory()
    client.login(email=buyer.email, password=PASSWORD)
    html = client.get(f"/waitlist?event={sold_out.event.slug}&quantity=3").content.decode()
    assert re.search(r'name="quantity"[^>]*value="3"', html)
    response = client.post(
        "/waitlist",
        {"event": sold_out.event.slug, "quantity": "3", "email": buyer.email, "phone": ""},
    )
    assert response.status_code in (200, 302)
    assert sold_out.event.waitlist.get(buyer=buyer).quantity == 3


def test_a_silly_quantity_in_the_link_is_a_clear_400(client, sold_out):
    client.login(email=UserFactory().email, password=PASSWORD)
    response = client.get(f"/waitlist?event={sold_out.event.slug}&quantity=lots")
    assert response.status_code == 400
