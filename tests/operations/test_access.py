"""Another organizer's event is a 404 on every operations page; buyers get 403."""

import pytest
from django.urls import reverse

from orders.models import WaitlistEntry
from tests.factories import (
    EventFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs():
    event = EventFactory(title="Someone Else's Show")
    tt = TicketTypeFactory(event=event, capacity=1)
    order, tickets = paid_order_with_tickets(ticket_type=tt)
    entry = WaitlistEntry.objects.create(
        event=event, ticket_type=tt, buyer=UserFactory(), email="w@example.ng"
    )
    return event, order, tickets[0], entry


GETS = [
    ("organizer:analytics", lambda e, o, t, w: [e.pk]),
    ("organizer:analytics_csv", lambda e, o, t, w: [e.pk, "sales"]),
    ("organizer:orders", lambda e, o, t, w: [e.pk]),
    ("organizer:order_detail", lambda e, o, t, w: [e.pk, o.reference]),
    ("organizer:export_orders", lambda e, o, t, w: [e.pk]),
    ("organizer:export_attendees", lambda e, o, t, w: [e.pk]),
    ("organizer:waitlist", lambda e, o, t, w: [e.pk]),
    ("organizer:check_in", lambda e, o, t, w: [e.pk]),
    ("organizer:check_in_manifest", lambda e, o, t, w: [e.pk]),
]
POSTS = [
    ("organizer:waitlist_remove", lambda e, o, t, w: [e.pk, w.pk]),
    ("organizer:waitlist_offer", lambda e, o, t, w: [e.pk, w.pk]),
    ("organizer:check_in_scan", lambda e, o, t, w: [e.pk]),
    ("organizer:check_in_sync", lambda e, o, t, w: [e.pk]),
]


@pytest.mark.parametrize("name,args", GETS, ids=[g[0] for g in GETS])
def test_another_organizers_pages_are_not_found(organizer_client, theirs, name, args):
    response = organizer_client.get(reverse(name, args=args(*theirs)))
    assert response.status_code == 404


@pytest.mark.parametrize("name,args", POSTS, ids=[p[0] for p in POSTS])
def test_another_organizers_actions_are_not_found_and_change_nothing(
    organizer_client, theirs, name, args
):
    event, order, ticket, entry = theirs
    response = organizer_client.post(
        reverse(name, args=args(*theirs)),
        data={"payload": ticket.qr_payload, "ticket_id": ticket.pk},
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == "waiting"
    from tickets.models import CheckIn

    assert not CheckIn.objects.exists()


def test_my_own_event_in_another_organizers_session_is_not_found(client, event, theirs):
    from tests.operations.conftest import sign_in_as_organizer

    other_event = theirs[0]
    sign_in_as_organizer(client, other_event.organizer.user)
    assert client.get(reverse("organizer:orders", args=[event.pk])).status_code == 404
    assert client.get(reverse("organizer:orders", args=[other_event.pk])).status_code == 200


def test_a_buyer_cannot_open_organizer_pages(client, event):
    client.force_login(UserFactory())
    assert client.get(reverse("organizer:dashboard")).status_code == 403
    assert client.get(reverse("organizer:check_in", args=[event.pk])).status_code == 403


def test_an_organizer_in_buyer_mode_is_asked_to_switch(client, organizer, event):
    client.force_login(organizer.user)  # active role defaults to buyer
    assert client.get(reverse("organizer:dashboard")).status_code == 403


def test_anonymous_visitors_go_to_sign_in(client, event):
    response = client.get(reverse("organizer:orders", args=[event.pk]))
    assert response.status_code == 302
    assert "/auth/" in response["Location"] or "login" in response["Location"]
