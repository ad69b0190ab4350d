"""Organizers manage their own promo codes and refund their own orders; others get 404."""

import pytest

from orders.models import Order, PromoCode
from tests.checkout_helpers import order_for
from tests.factories import EventFactory, OrganizerFactory, PromoCodeFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def as_organizer(client, organizer):
    client.force_login(organizer.user)
    session = client.session
    session["active_role"] = "organizer"
    session.save()
    return client


@pytest.fixture
def organizer():
    return OrganizerFactory()


@pytest.fixture
def org_client(client, organizer):
    return as_organizer(client, organizer)


def test_an_organizer_creates_a_percentage_code_limited_to_their_event(org_client, organizer):
    event = EventFactory(organizer=organizer)
    page = org_client.post(
        "/organizer/promo-codes/create",
        {
            "code": "naija10",
            "kind": "percent",
            "value_input": "10",
            "max_uses": "100",
            "max_uses_per_buyer": "1",
            "valid_from": "2026-01-01T09:00",
            "valid_until": "2027-01-01T09:00",
            "is_active": "on",
            "events": [event.pk],
        },
    )
    assert page.status_code == 302
    promo = PromoCode.objects.get()
    assert (promo.code, promo.kind, promo.value, promo.max_uses) == (
        "NAIJA10",
        "percent",
        1000,
        100,
    )
    assert list(promo.events.all()) == [event]
    assert promo.organizer == organizer
    listing = org_client.get("/organizer/promo-codes").content.decode()
    assert "NAIJA10" in listing and "10% off" in listing


def test_a_fixed_code_is_stored_in_kobo_and_can_be_edited_and_deactivated(org_client, organizer):
    org_client.post(
        "/organizer/promo-codes/create",
        {"code": "EARLYBIRD", "kind": "fixed", "value_input": "2000", "is_active": "on"},
    )
    promo = PromoCode.objects.get()
    assert promo.value == 200_000
    page = org_client.get(f"/organizer/promo-codes/{promo.pk}")
    assert 'value="2000' in page.content.decode()
    org_client.post(
        f"/organizer/promo-codes/{promo.pk}",
        {"code": "EARLYBIRD", "kind": "fixed", "value_input": "1500", "is_active": "on"},
    )
    promo.refresh_from_db()
    assert promo.value == 150_000
    org_client.post(f"/organizer/promo-codes/{promo.pk}/deactivate")
    promo.refresh_from_db()
    assert not promo.is_active


def test_a_percentage_over_100_and_another_organizers_event_are_refused(org_client, organizer):
    foreign = EventFactory()
    page = org_client.post(
        "/organizer/promo-codes/create",
        {"code": "X", "kind": "percent", "value_input": "150", "events": [foreign.pk]},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "cannot be more than 100" in html
    assert "Select a valid choice" in html
    assert not PromoCode.objects.exists()


def test_another_organizers_code_is_not_found(org_client):
    promo = PromoCodeFactory()
    assert org_client.get(f"/organizer/promo-codes/{promo.pk}").status_code == 404
    assert org_client.post(f"/organizer/promo-codes/{promo.pk}/deactivate").status_code == 404
    assert promo.code not in org_client.get("/organizer/promo-codes").content.decode()


def test_buyers_cannot_open_promo_codes(client):
    client.force_login(OrganizerFactory().user)  # organizer, but active role is buyer
    assert client.get("/organizer/promo-codes").status_code == 403


def test_the_organizer_sees_their_order_and_others_are_not_found(org_client, organizer):
    mine = order_for(ticket_type=TicketTypeFactory(event__organizer=organizer))
    theirs = order_for()
    page = org_client.get(f"/organizer/orders/{mine.reference}")
    assert page.status_code == 200
    assert "Only paid orders can be refunded." in page.content.decode()
    assert org_client.get(f"/organizer/orders/{theirs.reference}").status_code == 404
    assert mine.status == Order.Status.PENDING


def test_the_refund_progress_page_is_the_organizers_own(org_client, organizer):
    event = EventFactory(organizer=organizer)
    page = org_client.get(f"/organizer/events/{event.pk}/refunds")
    assert page.status_code == 200
    assert "No refunds have been started" in page.content.decode()
    assert org_client.get(f"/organizer/events/{EventFactory().pk}/refunds").status_code == 404
