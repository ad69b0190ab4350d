import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import EventFactory, TicketTypeFactory, paid_order_with_tickets
from tickets import checkin, signing
from tickets.models import CheckIn, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(regular):
    _, tickets = paid_order_with_tickets(ticket_type=regular, quantity=1)
    return tickets[0]


def test_a_valid_ticket_checks_in_once_then_reads_as_duplicate(event, ticket, organizer):
    first = checkin.check_in(event=event, payload=ticket.qr_payload, device="Gate A")
    assert first.outcome == "ok"
    second = checkin.check_in(event=event, payload=ticket.qr_payload, device="Gate B")
    assert second.outcome == "duplicate"
    assert "Gate A" in second.message
    assert second.as_dict()["device"] == "Gate A"
    assert CheckIn.objects.filter(ticket=ticket).count() == 1


def test_wrong_event_revoked_and_forged_codes(event, ticket):
    other = TicketTypeFactory(event=EventFactory(title="Other Show"))
    _, [foreign] = paid_order_with_tickets(ticket_type=other)
    assert checkin.check_in(event=event, payload=foreign.qr_payload).outcome == "wrong_event"

    Ticket.objects.filter(pk=ticket.pk).update(status="transferred")
    result = checkin.check_in(event=event, payload=ticket.qr_payload)
    assert result.outcome == "revoked" and "transferred" in result.message
    Ticket.objects.filter(pk=ticket.pk).update(status="void")
    assert checkin.check_in(event=event, payload=ticket.qr_payload).outcome == "revoked"

    prefix, body, sig = ticket.qr_payload.split(".")
    forged = signing._b64(json.dumps({"t": ticket.pk, "e": event.pk, "s": "guess"}).encode())
    assert checkin.check_in(event=event, payload=f"{prefix}.{forged}.{sig}").outcome == "unknown"
    assert checkin.check_in(event=event, payload="hello").outcome == "unknown"
    # A correctly signed code whose secret no longer matches (ticket re-issued) is unknown too.
    stale = signing.sign(ticket_id=ticket.pk, event_id=event.pk, secret="old-secret")
    assert checkin.check_in(event=event, payload=stale).outcome == "unknown"
    assert not CheckIn.objects.exists()


def test_scan_endpoint_answers_json_and_html(organizer_client, event, ticket):
    url = reverse("organizer:check_in_scan", args=[event.pk])
    response = organizer_client.post(
        url,
        data=json.dumps({"payload": ticket.qr_payload, "device": "Phone 1"}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    data = response.json()
    assert data["outcome"] == "ok" and data["headline"] == "Valid — checked in"
    assert data["ticket"]["id"] == ticket.pk
    again = organizer_client.post(url, {"ticket_id": ticket.pk})
    assert again.status_code == 200
    text = again.content.decode()
    assert "Already checked in" in text and "Phone 1" in text and "ops-result-duplicate" in text


def test_manual_search_finds_by_name_email_and_reference(organizer_client, event, ticket):
    url = reverse("organizer:check_in", args=[event.pk])
    order = ticket.order
    for q in (order.full_name.split()[0], order.email, order.reference):
        results = organizer_client.get(url, {"q": q}).context["results"]
        assert list(results) == [ticket], q


def test_manifest_has_hashes_not_secrets_and_the_public_key(organizer_client, event, ticket):
    data = organizer_client.get(reverse("organizer:check_in_manifest", args=[event.pk])).json()
    assert data["public_key"] == signing.public_key_for_event(event.pk)
    [entry] = data["tickets"]
    assert entry["id"] == ticket.pk and entry["status"] == "valid"
    assert entry["h"] == checkin.secret_hash(ticket.secret)
    assert ticket.secret not in json.dumps(data)


def test_offline_sync_applies_and_reports_conflicts_first_admission_wins(
    organizer_client, event, regular
):
    _, [t1, t2] = paid_order_with_tickets(ticket_type=regular, quantity=2)
    url = reverse("organizer:check_in_sync", args=[event.pk])
    start = timezone.now() - timedelta(hours=1)

    def ago(seconds):  # seconds after `start`
        return (start + timedelta(seconds=seconds)).isoformat()

    def sync(device, records):
        return organizer_client.post(
            url,
            data=json.dumps({"device": device, "records": records}),
            content_type="application/json",
        ).json()

    a = sync(
        "Door A",
        [
            {"ticket_id": t1.pk, "checked_in_at": ago(55)},
            {"ticket_id": t2.pk, "checked_in_at": ago(0)},
        ],
    )
    assert len(a["applied"]) == 2 and not a["conflicts"]
    assert CheckIn.objects.get(ticket=t1).offline is True

    # Door B admitted t1 earlier while offline: a conflict, and B's earlier admission stands.
    b = sync("Door B", [{"ticket_id": t1.pk, "checked_in_at": ago(50)}])
    [conflict] = b["conflicts"]
    assert conflict["ticket_id"] == t1.pk and conflict["other_device"] == "Door A"
    assert conflict["kept"] == "Door B"
    assert CheckIn.objects.get(ticket=t1).device == "Door B"

    # Syncing the same records again changes nothing.
    again = sync("Door A", [{"ticket_id": t2.pk, "checked_in_at": ago(0)}])
    assert again["already"] == [{"ticket_id": t2.pk}] and not again["conflicts"]
    assert CheckIn.objects.count() == 2


def test_sync_rejects_other_events_tickets_and_bad_input(organizer_client, event, regular):
    _, [foreign] = paid_order_with_tickets(ticket_type=TicketTypeFactory())
    url = reverse("organizer:check_in_sync", args=[event.pk])
    report = organizer_client.post(
        url,
        data=json.dumps(
            {
                "device": "X",
                "records": [
                    {"ticket_id": foreign.pk, "checked_in_at": "2026-11-25T18:00:00Z"},
                    {"nope": 1},
                ],
            }
        ),
        content_type="application/json",
    ).json()
    assert len(report["rejected"]) == 2 and not CheckIn.objects.exists()
    bad = organizer_client.post(url, data="not json", content_type="application/json")
    assert bad.status_code == 400


def test_htmx_scan_gets_just_the_result_partial(organizer_client, event, ticket):
    response = organizer_client.post(
        reverse("organizer:check_in_scan", args=[event.pk]),
        {"payload": ticket.qr_payload, "device": "Tablet"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert "<html" not in text
    assert "ops-result-ok" in text and "Valid — checked in" in text
