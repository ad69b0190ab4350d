"""Organizer pages write times the way the public pages do: a 12-hour clock in Lagos time
(7:30 PM), while the CSV export keeps machine-readable ISO times."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from getiickets.datetimes import format_when
from orders.models import Order
from tests.factories import OrderFactory, UserFactory, paid_order_with_tickets
from tickets import fulfilment

pytestmark = pytest.mark.django_db

# 18:30 UTC is 7:30 PM in Lagos (UTC+1, no daylight saving).
PLACED = datetime(2026, 12, 5, 18, 30, tzinfo=UTC)
PAID = datetime(2026, 12, 5, 18, 34, tzinfo=UTC)


def test_every_style_is_lagos_time_on_a_12_hour_clock_whatever_timezone_is_active():
    with timezone.override("UTC"):
        assert format_when(PLACED) == "Sat 5 Dec 2026, 7:30 PM"
        assert format_when(PLACED, "long") == "Saturday 5 December 2026, 7:30 PM"
        assert format_when(PLACED, "short") == "Sat 5 Dec, 7:30 PM"
        assert format_when(PLACED, "time") == "7:30 PM"
        assert format_when(PLACED, "date") == "5 Dec 2026"
    assert format_when(None) == ""
    with pytest.raises(ValueError):
        format_when(PLACED, "nonsense")


@pytest.fixture
def order(regular):
    order, _ = paid_order_with_tickets(
        ticket_type=regular, buyer=UserFactory(full_name="Ada Obi"), reference="GTADA0001"
    )
    Order.objects.filter(pk=order.pk).update(created_at=PLACED, paid_at=PAID)
    return order


def test_the_orders_list_and_an_order_show_placed_and_paid_on_a_12_hour_clock(
    organizer_client, event, order
):
    listing = organizer_client.get(reverse("organizer:orders", args=[event.pk])).content.decode()
    assert "Sat 5 Dec 2026, 7:30 PM" in listing
    assert "19:30" not in listing

    detail = organizer_client.get(
        reverse("organizer:order_detail", args=[event.pk, order.reference])
    ).content.decode()
    assert "Sat 5 Dec 2026, 7:30 PM" in detail and "Sat 5 Dec 2026, 7:34 PM" in detail
    assert "19:30" not in detail and "19:34" not in detail


def test_the_order_export_keeps_iso_times(organizer_client, event, order):
    response = organizer_client.get(reverse("organizer:export_orders", args=[event.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert "2026-12-05 19:30" in rows[1]
    assert not any("PM" in cell for cell in rows[1])


def test_the_ticket_email_gives_the_event_time_on_a_12_hour_clock(
    event, regular, django_capture_on_commit_callbacks, mailoutbox
):
    event.starts_at = datetime(2026, 12, 24, 18, 0, tzinfo=UTC)
    event.ends_at = datetime(2026, 12, 24, 23, 0, tzinfo=UTC)
    event.save()
    order = OrderFactory(event=event, items=1, items__ticket_type=regular)
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.enqueue_fulfilment(order.pk)
    [email] = mailoutbox
    assert "When: Thursday 24 December 2026, 7:00 PM (Lagos time)" in email.body
