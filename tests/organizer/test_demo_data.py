"""The demo (`make run`) tells one story: orders placed before they are paid, a promo code's
uses equal to the orders that used it on every page, and money figures that add up."""

import pytest
from django.core.management import call_command
from django.db.models import F, Sum
from django.utils import timezone

from orders.models import Order, PromoCode
from payments import payouts
from tests.organizer.conftest import sign_in_as_organizer
from tickets.models import CheckIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")


def test_every_demo_order_was_placed_before_it_was_paid(demo):
    paid = Order.objects.filter(status=Order.Status.PAID)
    assert paid.count() > 20
    assert not paid.filter(paid_at__lte=F("created_at")).exists()
    assert all(order.history.filter(to_status="paid").exists() for order in paid)


def test_eko10_shows_the_same_uses_on_the_promo_codes_page_and_in_analytics(client, demo):
    eko = PromoCode.objects.get(code="EKO10")
    orders = Order.objects.filter(promo_code=eko)
    assert orders.count() == 15
    assert eko.uses == 15 and eko.redemptions.count() == 15
    sign_in_as_organizer(client, eko.organizer.user)
    codes = client.get("/organizer/promo-codes").content.decode()
    row = codes[codes.index(">EKO10<") :]
    assert 'data-label="Used">15' in row[: row.index("</tr>")]
    event = orders.first().event
    analytics = client.get(f"/organizer/events/{event.pk}/analytics")
    assert [r["orders"] for r in analytics.context["promos"] if r["code"] == "EKO10"] == [15]


def test_the_money_page_counts_every_demo_sale(demo):
    eko = PromoCode.objects.get(code="EKO10")
    organizer = eko.organizer
    sold = Order.objects.filter(event__organizer=organizer, status=Order.Status.PAID).aggregate(
        s=Sum("total_kobo")
    )["s"]
    assert payouts.figures_for(organizer).gross_kobo == sold > 0


def test_demo_check_ins_happen_only_at_events_that_have_started(demo):
    check_ins = CheckIn.objects.select_related("ticket__event")
    assert check_ins.count() > 5
    now = timezone.now()
    for check_in in check_ins:
        event = check_in.ticket.event
        assert event.starts_at <= now, f"{event} has not started but has check-ins"
        assert event.starts_at <= check_in.checked_in_at <= now
    # Every sale came before the door opened.
    events = {c.ticket.event_id for c in check_ins}
    assert not Order.objects.filter(
        event_id__in=events, paid_at__gte=F("event__starts_at")
    ).exists()
