"""One availability read model (tickets.inventory.availability): the catalogue card, the API,
the event page, the selector and the organizer's dashboard say the same about what is left."""

import pytest

from organizer import services as organizer_services
from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory
from tickets import inventory

pytestmark = pytest.mark.django_db


def test_every_page_reads_what_is_left_from_the_one_read_model(client):
    organizer = OrganizerFactory()
    event = EventFactory(organizer=organizer, title="Afrobeats Night")
    # Regular is gone (sold and held), VIP has 3 left, the hidden comp type is never listed.
    TicketTypeFactory(event=event, name="Regular", price_kobo=500_000, capacity=10, sold=6, held=4)
    TicketTypeFactory(event=event, name="VIP", price_kobo=2_000_000, capacity=5, sold=2)
    TicketTypeFactory(event=event, name="Comp", price_kobo=0, capacity=50, is_visible=False)

    stock = inventory.of_event(event)
    assert {r.ticket_type.name: r.available for r in stock.rows} == {"Regular": 0, "VIP": 3}

    card = client.get("/events").content.decode()
    assert "Afrobeats Night" in card and "from <strong>₦5,000.00" in card  # the lowest listed
    assert "Sold out" not in card and "Free" not in card  # VIP is left; Comp is hidden

    [listed] = client.get("/api/v1/events").json()["results"]
    assert (listed["min_price_kobo"], listed["remaining"]) == (2_000_000, 3)

    page = client.get(event.get_absolute_url()).content.decode()
    assert "Tickets from <strong>₦20,000.00" in page and "Sold out" in page  # Regular's badge

    [shown] = organizer_services.attach_figures([event])
    assert (shown.capacity_total, shown.sold_total, shown.remaining) == (65, 8, 53)
