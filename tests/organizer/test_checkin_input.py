"""Check-in answers another event's ticket with "not for this event" and nothing else, and
refuses malformed input with a 400 (never a 500)."""

import json

import pytest
from django.urls import reverse

from tests.factories import EventFactory, TicketTypeFactory, paid_order_with_tickets
from tests.organizer.conftest import sign_in_as_organizer

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, organizer):
    return sign_in_as_organizer(client, organizer.user)


@pytest.fixture
def someone_elses_ticket():
    tt = TicketTypeFactory(event=EventFactory(title="Their Private Party"), name="Backstage")
    order, tickets = paid_order_with_tickets(ticket_type=tt, full_name="Chidinma Secret")
    return order, tickets[0]


def _scan(client, event, body, content_type="application/json"):
    return client.post(
        reverse("organizer:check_in_scan", args=[event.pk]),
        body,
        content_type=content_type,
        HTTP_ACCEPT="application/json",
    )


@pytest.mark.parametrize("by", ["ticket_id", "payload"])
def test_another_events_ticket_reveals_nothing(owner_client, event, someone_elses_ticket, by):
    order, ticket = someone_elses_ticket
    value = ticket.pk if by == "ticket_id" else ticket.qr_payload
    response = _scan(owner_client, event, {by: value})
    assert response.status_code == 200
    data = response.json()
    assert data["outcome"] == "wrong_event"
    assert data["message"] == "This ticket is not for this event."
    text = json.dumps(data)
    for secret in ("Chidinma", "Backstage", order.reference, "Their Private Party"):
        assert secret not in text
    assert "ticket" not in data


def test_another_events_ticket_in_the_html_answer_reveals_nothing(
    owner_client, event, someone_elses_ticket
):
    order, ticket = someone_elses_ticket
    response = owner_client.post(
        reverse("organizer:check_in_scan", args=[event.pk]), {"ticket_id": ticket.pk}
    )
    text = response.content.decode()
    assert "not for this event" in text
    assert "Chidinma" not in text and order.reference not in text


@pytest.mark.parametrize(
    "body", ["[1, 2]", '"GT1.abc"', "null", "42", "{not json", '{"payload": 5.5}']
)
def test_scan_refuses_a_body_that_is_not_an_object(owner_client, event, body):
    response = _scan(owner_client, event, body)
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.parametrize(
    "data",
    [
        {"payload": "GT1.\x00abc"},
        {"ticket_id": "1\x00"},
        {"ticket_id": "abc"},
        {"payload": "GT1.x", "device": "Gate A\x00"},
        {"payload": "GT1.x", "device": ["a"]},
    ],
)
def test_scan_refuses_control_characters_and_non_numbers(owner_client, event, data):
    assert _scan(owner_client, event, data).status_code == 400


def test_search_and_device_with_nul_bytes_are_400(owner_client, event):
    url = reverse("organizer:check_in", args=[event.pk])
    assert owner_client.get(url, {"q": "ad\x00a"}).status_code == 400
    counts = reverse("organizer:check_in_counts", args=[event.pk])
    assert owner_client.get(counts, {"device": "A\x00"}).status_code == 400
    sync = reverse("organizer:check_in_sync", args=[event.pk])
    for body in ("[]", "null", '{"records": [], "device": "x\\u0000"}', '{"records": 3}'):
        response = owner_client.post(sync, body, content_type="application/json")
        assert response.status_code == 400, body


def test_counts_show_this_device_and_the_event_total(owner_client, event, regular):
    _, tickets = paid_order_with_tickets(ticket_type=regular, quantity=3)
    for ticket, device in zip(tickets, ["Gate A", "Gate A", "Gate B"], strict=True):
        assert _scan(owner_client, event, {"payload": ticket.qr_payload, "device": device}).json()[
            "ok"
        ]
    counts = owner_client.get(
        reverse("organizer:check_in_counts", args=[event.pk]), {"device": "Gate A"}
    ).json()
    assert counts == {"inside": 3, "valid": 3, "device": "Gate A", "device_count": 2}
    page = owner_client.get(reverse("organizer:check_in", args=[event.pk])).content.decode()
    assert "Gate A" in page and "Gate B" in page


def test_sync_answers_a_form_or_multipart_body_with_a_400_asking_for_json(owner_client, event):
    # The middleware that checks form fields has read a form body's stream already: the
    # view must refuse it plainly rather than fail reading request.body (it was a 500).
    sync = reverse("organizer:check_in_sync", args=[event.pk])
    multipart = owner_client.post(sync, {"records": "[]", "device": "Gate A"})
    form = owner_client.post(
        sync, "records=%5B%5D", content_type="application/x-www-form-urlencoded"
    )
    for response in (multipart, form):
        assert response.status_code == 400
        assert "JSON" in response.json()["error"]
