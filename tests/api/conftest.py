"""Data and clients for the /api/v1 tests."""

import pytest
from rest_framework.test import APIClient

from events.models import Event
from events.services import sync_capacities
from tests.factories import (
    EventFactory,
    SeatFactory,
    SeatSectionFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def catalogue(db):
    """Two published events (one seated, with two sections having a 'Row A seat 1' each), a
    draft, and a buyer with a paid order of two tickets."""
    concert = EventFactory(title="Burna Live in Lagos", slug="burna-live")
    regular = TicketTypeFactory(event=concert, name="Regular", price_kobo=1_500_000, capacity=50)
    TicketTypeFactory(event=concert, name="VIP", price_kobo=5_000_000, capacity=5)
    theatre = EventFactory(
        title="Wedding Party the Play", slug="wedding-play", seating=Event.Seating.RESERVED
    )
    band = TicketTypeFactory(event=theatre, name="Stalls", capacity=0)
    seats = []
    for name in ("Orchestra", "Balcony"):
        section = SeatSectionFactory(event=theatre, name=name)
        for number in ("1", "2"):
            seats.append(
                SeatFactory(
                    section=section,
                    event=theatre,
                    ticket_type=band,
                    row_label="A",
                    number=number,
                    label=f"{name} A{number}",
                )
            )
    sync_capacities(event=theatre)  # each seat is one ticket of its band
    EventFactory(title="Secret draft", slug="secret-draft", status=Event.Status.DRAFT)
    buyer = UserFactory(email="ada@example.ng")
    order, tickets = paid_order_with_tickets(ticket_type=regular, quantity=2, buyer=buyer)
    return {
        "concert": concert,
        "regular": regular,
        "theatre": theatre,
        "seats": seats,
        "buyer": buyer,
        "order": order,
        "tickets": tickets,
    }
