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


@pytest.fixture
def team(catalogue):
    """The concert's organizer with a manager and door staff for the concert only, and a
    second organizer with an event of their own."""
    from accounts.models import TeamMember, TeamRole
    from tests.factories import EventFactory, OrganizerFactory

    organizer = catalogue["concert"].organizer
    catalogue["theatre"].organizer = organizer
    catalogue["theatre"].save()
    manager = UserFactory(email="manager@example.ng")
    door = UserFactory(email="door@example.ng")
    TeamMember.objects.create(organizer=organizer, user=manager, role=TeamRole.MANAGER)
    door_member = TeamMember.objects.create(
        organizer=organizer, user=door, role=TeamRole.DOOR_STAFF
    )
    door_member.events.set([catalogue["concert"]])
    rival = OrganizerFactory(name="Rival Shows")
    rival_event = EventFactory(organizer=rival, title="Rival Night", slug="rival-night")
    return {
        "organizer": organizer,
        "owner": organizer.user,
        "manager": manager,
        "door": door,
        "rival": rival,
        "rival_event": rival_event,
    }


@pytest.fixture
def token_for(team):
    """`token_for(user, scope="read", events=())` creates a token and returns its secret."""
    from accounts.permissions import membership_for
    from organizer import services

    def make(user, scope="read", events=()):
        _, secret = services.create_api_token(
            membership=membership_for(user), user=user, name="tool", scope=scope, events=events
        )
        return secret

    return make


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def paystack_standin(settings, catalogue):
    """Paystack's stand-in, knowing the buyer's order as a successful charge."""
    from payments import gateway
    from tests.standins.paystack import PaystackStandin

    order = catalogue["order"]
    with PaystackStandin() as standin:
        settings.PAYSTACK_BASE_URL = standin.url
        settings.PAYSTACK_SECRET_KEY = standin.secret_key
        settings.CELERY_TASK_ALWAYS_EAGER = True
        standin.transactions[order.reference] = {
            "reference": order.reference,
            "amount": order.total_kobo,
            "currency": "NGN",
            "status": "success",
        }
        gateway.reset()
        yield standin
        gateway.reset()
