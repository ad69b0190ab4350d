import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import OrderEvent
from organizer.services import safe_cell
from tests.factories import OrderFactory, UserFactory, paid_order_with_tickets
from tickets import fulfilment

pytestmark = pytest.mark.django_db


def _csv(response):
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _refs(response):
    return [o.reference for o in response.context["page"].object_list]


@pytest.fixture
def orders(event, regular, vip):
    ada = UserFactory(full_name="Ada Obi", email="ada@example.ng")
    bayo = UserFactory(full_name="Bayo Adewale", email="bayo@example.ng")
    a, _ = paid_order_with_tickets(ticket_type=regular, buyer=ada, reference="GTADA0001")
    b, _ = paid_order_with_tickets(ticket_type=vip, buyer=bayo, reference="GTBAYO002")
    c = OrderFactory(event=event, status="pending", reference="GTPEND003", paid_at=None)
    OrderFactory.create(
        event=event, status="expired", reference="GTOLD0004", paid_at=None
    ).__class__.objects.filter(reference="GTOLD0004").update(
        created_at=timezone.now() - timedelta(days=10)
    )
    return a, b, c


def test_orders_are_searchable_by_reference_name_and_email(organizer_client, event, orders):
    url = reverse("organizer:orders", args=[event.pk])
    assert _refs(organizer_client.get(url, {"q": "gtada0001"})) == ["GTADA0001"]
    assert _refs(organizer_client.get(url, {"q": "Adewale"})) == ["GTBAYO002"]
    assert _refs(organizer_client.get(url, {"q": "ada@example"})) == ["GTADA0001"]


def test_orders_filter_by_status_ticket_type_and_date(organizer_client, event, orders, vip):
    url = reverse("organizer:orders", args=[event.pk])
    assert _refs(organizer_client.get(url, {"status": "pending"})) == ["GTPEND003"]
    assert _refs(organizer_client.get(url, {"ticket_type": vip.pk})) == ["GTBAYO002"]
    old = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert _refs(organizer_client.get(url, {"date_to": old})) == ["GTOLD0004"]
    assert "GTOLD0004" not in _refs(organizer_client.get(url, {"date_from": old}))
    everything = organizer_client.get(url)
    assert everything.status_code == 200 and len(_refs(everything)) == 4


def test_orders_are_paginated(organizer_client, event):
    for _ in range(30):
        OrderFactory(event=event)
    url = reverse("organizer:orders", args=[event.pk])
    assert len(_refs(organizer_client.get(url))) == 25
    assert len(_refs(organizer_client.get(url, {"page": 2}))) == 5


def test_order_detail_shows_history_and_tickets(organizer_client, event, orders):
    order = orders[0]
    OrderEvent.objects.create(
        order=order, from_status="pending", to_status="paid", source="webhook"
    )
    response = organizer_client.get(
        reverse("organizer:order_detail", args=[event.pk, order.reference])
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Ada Obi" in text and "webhook" in text and "pending → <strong>paid</strong>" in text
    assert "Regular" in text


def test_organizer_resends_the_tickets_of_their_own_order(
    organizer_client, event, regular, django_capture_on_commit_callbacks, mailoutbox
):
    order = OrderFactory(event=event, items=1, items__ticket_type=regular)
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.enqueue_fulfilment(order.pk)
    assert [m.to for m in mailoutbox] == [[order.email]]

    detail = organizer_client.get(
        reverse("organizer:order_detail", args=[event.pk, order.reference])
    ).content.decode()
    assert "Resend tickets" in detail and "Refund…" in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("organizer:order_resend", args=[event.pk, order.reference])
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 2 and mailoutbox[-1].to == [order.email]


def test_another_organizers_order_cannot_be_resent(organizer_client, regular):
    stranger = OrderFactory(items=1)
    response = organizer_client.post(
        reverse("organizer:order_resend", args=[stranger.event_id, stranger.reference])
    )
    assert response.status_code == 404


def test_resend_is_a_post(organizer_client, event, orders):
    url = reverse("organizer:order_resend", args=[event.pk, orders[0].reference])
    assert organizer_client.get(url).status_code == 405


def test_order_export_streams_filtered_orders_as_csv(organizer_client, event, orders):
    response = organizer_client.get(
        reverse("organizer:export_orders", args=[event.pk]), {"status": "paid"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][0] == "Reference"
    by_ref = {r[0]: r for r in rows[1:]}
    assert set(by_ref) == {"GTADA0001", "GTBAYO002"}
    ada = by_ref["GTADA0001"]
    assert ada[1] == "Paid" and ada[4] == "Ada Obi" and ada[7] == "1"
    assert ada[12] == "10450.00"  # ₦10,000 + ₦450 fee


def test_attendee_export_lists_every_ticket_and_neutralises_formulas(
    organizer_client, event, regular
):
    evil = UserFactory(full_name='=HYPERLINK("http://x","win")', email="e@example.ng")
    _, tickets = paid_order_with_tickets(ticket_type=regular, quantity=2, buyer=evil)
    tickets[1].attendee_name = "+2348012345678"
    tickets[1].save()
    rows = _csv(organizer_client.get(reverse("organizer:export_attendees", args=[event.pk])))
    assert [r[0] for r in rows[1:]] == [str(t.pk) for t in tickets]
    assert rows[1][1] == '\'=HYPERLINK("http://x","win")'
    assert rows[2][1] == "'+2348012345678"
    assert rows[1][8] == "Valid"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ada", "Ada"),
        (5, 5),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_the_attendee_export_names_a_seat_as_buyers_see_it(organizer_client, event, regular):
    from tests.factories import SeatFactory

    seat = SeatFactory(
        section__event=event,
        section__name="Balcony",
        row_label="A",
        number="4",
        ticket_type=regular,
    )
    _, tickets = paid_order_with_tickets(ticket_type=regular, quantity=2)
    tickets[0].seat = seat
    tickets[0].save()
    rows = _csv(organizer_client.get(reverse("organizer:export_attendees", args=[event.pk])))
    seats = {r[0]: r[4] for r in rows[1:]}
    assert seats == {str(tickets[0].pk): "Balcony · Row A · Seat 4", str(tickets[1].pk): ""}
