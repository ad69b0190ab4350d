import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import PromoCode
from orders.services import apply_refund
from organizer import charts
from tests.factories import paid_order_with_tickets
from tickets import checkin

pytestmark = pytest.mark.django_db


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def sales(event, regular, vip, organizer):
    now = timezone.now()
    promo = PromoCode.objects.create(
        organizer=organizer, code="EARLYBIRD", kind="percent", value=1000
    )
    paid_order_with_tickets(ticket_type=regular, quantity=2, paid_at=now - timedelta(days=3))
    paid_order_with_tickets(
        ticket_type=vip,
        quantity=1,
        paid_at=now - timedelta(days=1),
        promo_code=promo,
        discount_kobo=500_000,
    )
    _, tickets = paid_order_with_tickets(ticket_type=regular, quantity=3, paid_at=now)
    checkin.check_in(event=event, ticket_id=tickets[0].pk, device="Gate A")
    return tickets


def test_analytics_page_draws_charts_with_titles_and_csv_links(organizer_client, event, sales):
    response = organizer_client.get(reverse("organizer:analytics", args=[event.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<svg") >= 6
    assert "<title" in text and "<desc" in text
    assert "Revenue by ticket type" in text
    assert "EARLYBIRD" in text
    assert f"/organizer/events/{event.pk}/analytics/sales.csv" in text
    assert "1 of 6" in text  # checked in


def test_sales_csv_has_every_day_with_running_totals(organizer_client, event, sales):
    rows = _csv(organizer_client.get(reverse("organizer:analytics_csv", args=[event.pk, "sales"])))
    assert rows[0][:2] == ["Date", "Tickets"]
    assert len(rows) == 1 + 4  # four days, the empty one included
    assert [r[1] for r in rows[1:]] == ["2", "0", "1", "3"]
    assert rows[-1][3] == "6"
    # Ticket revenue: ₦20,000 + ₦45,000 (₦50,000 less ₦5,000 off) + ₦30,000; no service fees.
    assert rows[-1][4] == "95000.00"


def test_ticket_type_and_promo_csv(organizer_client, event, sales):
    types = _csv(
        organizer_client.get(reverse("organizer:analytics_csv", args=[event.pk, "ticket-types"]))
    )
    assert types[1] == ["Regular", "10000.00", "100", "5", "50000.00"]
    assert types[2] == ["VIP", "50000.00", "20", "1", "45000.00"]  # after the ₦5,000 off
    promos = _csv(
        organizer_client.get(reverse("organizer:analytics_csv", args=[event.pk, "promo-codes"]))
    )
    assert promos[1] == ["EARLYBIRD", "1", "5000.00", "45000.00"]
    checkins = _csv(
        organizer_client.get(reverse("organizer:analytics_csv", args=[event.pk, "check-in"]))
    )
    assert checkins[1][1:] == ["1", "1"]


def test_unknown_chart_is_not_found(organizer_client, event):
    url = reverse("organizer:analytics_csv", args=[event.pk, "nope"])
    assert organizer_client.get(url).status_code == 404


def test_empty_event_says_no_data(organizer_client, event, regular):
    text = organizer_client.get(reverse("organizer:analytics", args=[event.pk])).content.decode()
    assert "No tickets sold yet." in text and "Nobody checked in yet." in text


def test_nice_ticks_and_naira_axis_labels():
    assert charts.nice_ticks(9) == [0, 2.5, 5, 7.5, 10] or charts.nice_ticks(9)[-1] >= 9
    assert charts.nice_ticks(730)[-1] >= 730
    assert charts.compact_naira(12_500_000) == "₦125k"
    assert charts.compact_naira(250_000_000) == "₦2.5M"
    svg = charts.bar_chart(title="t <x>", labels=["A&B"], values=[100], money=True)
    assert "t &lt;x&gt;" in svg and "A&amp;B" in svg and "₦1.00" in svg


def test_one_revenue_figure_after_discounts_with_service_fees_apart(
    organizer_client, event, regular, vip, sales
):
    """Ticket revenue is what buyers paid for tickets after discounts; the by-type figures
    add up to it; service fees are shown on their own; a refunded admission leaves both."""
    order, _ = paid_order_with_tickets(ticket_type=regular, quantity=1, paid_at=timezone.now())
    # The admission refunded (its ₦10,000), the ₦450 service fee kept: partially refunded.
    assert (
        apply_refund(
            order=order,
            amount_kobo=1_000_000,
            source="staff",
            item_ids=[order.items.get().pk],
        )
        == "partially_refunded"
    )

    response = organizer_client.get(reverse("organizer:analytics", args=[event.pk]))
    totals, by_type = response.context["totals"], response.context["by_type"]
    assert totals["revenue_kobo"] == 9_500_000  # ₦95,000, not the ₦100,000 list prices
    assert sum(r["revenue_kobo"] for r in by_type) == totals["revenue_kobo"]
    assert totals["tickets"] == sum(r["tickets"] for r in by_type) == 6
    assert totals["service_fees_kobo"] == 4 * 45_000  # the factory's fee on each sold order
    text = response.content.decode()
    assert "Ticket revenue" in text and "₦95,000" in text
    assert "Service fees" in text and "₦1,800" in text
