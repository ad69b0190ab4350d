"""The sales rollup the organizer's pages read agrees with the orders themselves: after
payments, promo codes, partial and full refunds, cancelled and expired orders, across Lagos
days; concurrent payments lose no count; `reconcile_sales` finds and corrects drift."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from orders import sales, services
from orders.models import Order, SalesRollup
from organizer import services as organizer
from tests.checkout_helpers import hold_for, order_for, run_together
from tests.factories import (
    EventFactory,
    PromoCodeFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)
from tickets import demo
from tickets import inventory as tickets

LAGOS = ZoneInfo("Africa/Lagos")


# --- The per-order definition, summed over every order (what the pages used to do) ---------


def per_order_by_day(event):
    rows = (
        organizer.tickets_sold(event=event)
        .annotate(day=TruncDate("order__paid_at", tzinfo=LAGOS))
        .values("day")
        .annotate(n=Count("pk"), kobo=Sum("paid_kobo"))
        .order_by("day")
    )
    return [(r["day"], r["n"], r["kobo"]) for r in rows]


def per_order_by_type(event):
    rows = (
        organizer.tickets_sold(event=event)
        .values("ticket_type__name")
        .annotate(n=Count("pk"), kobo=Sum("paid_kobo"))
    )
    return {r["ticket_type__name"]: (r["n"], r["kobo"]) for r in rows}


def per_order_promos(event):
    sold = Order.objects.filter(event=event, status__in=sales.SALE_STATUSES)
    revenue = dict(
        organizer.tickets_sold(event=event)
        .filter(order__promo_code__isnull=False)
        .values("order__promo_code__code")
        .annotate(kobo=Sum("paid_kobo"))
        .values_list("order__promo_code__code", "kobo")
    )
    return [
        (r["promo_code__code"], r["n"], r["discount"], revenue.get(r["promo_code__code"]) or 0)
        for r in sold.filter(promo_code__isnull=False)
        .values("promo_code__code")
        .annotate(n=Count("pk"), discount=Sum("discount_kobo"))
        .order_by("-n", "promo_code__code")
    ]


def per_order_money(events):
    return Order.objects.filter(event__in=events, status__in=sales.SALE_STATUSES).aggregate(
        gross=Sum(F("total_kobo") - F("refunded_kobo")), fees=Sum("fee_kobo"), n=Count("pk")
    )


def shown_by_rollup(event):
    days = [
        (r["day"], r["tickets"], r["revenue_kobo"])
        for r in organizer.sales_by_day(event=event)
        if r["tickets"]
    ]
    types = {
        r["ticket_type"]: (r["tickets"], r["revenue_kobo"])
        for r in organizer.revenue_by_ticket_type(event=event)
        if r["tickets"]
    }
    promos = [
        (r["code"], r["orders"], r["discount_kobo"], r["revenue_kobo"])
        for r in organizer.promo_code_usage(event=event)
    ]
    return days, types, promos


def assert_rollup_matches_orders(events, organizer_profile):
    for event in events:
        days, types, promos = shown_by_rollup(event)
        assert days == per_order_by_day(event)
        assert types == per_order_by_type(event)
        assert promos == per_order_promos(event)
        fees = per_order_money([event])["fees"] or 0
        assert organizer.service_fees_kobo(event=event) == fees
        [shown] = organizer.attach_figures([event])
        money = per_order_money([event])
        assert (shown.gross_kobo, shown.fees_kobo, shown.paid_orders) == (
            money["gross"] or 0,
            money["fees"] or 0,
            money["n"],
        )
    totals = organizer.dashboard(organizer=organizer_profile).totals
    money = per_order_money(events)
    assert (totals["gross_kobo"], totals["fees_kobo"]) == (money["gross"], money["fees"])


# --- A varied set of sales ----------------------------------------------------------------


@pytest.fixture
def varied_sales(db):
    """Two events of one organizer: orders paid through the payment service (two ticket
    types, promo codes), demo-seeded orders on earlier days and at Lagos midnight, discounts;
    then full, partial (with admissions) and money-only refunds, a late payment refunded, a
    cancelled and an expired order."""
    event = EventFactory(title="Afrobeats Live")
    other = EventFactory(organizer=event.organizer, title="Comedy Night")
    regular = TicketTypeFactory(event=event, name="Regular", price_kobo=1_000_000, capacity=200)
    vip = TicketTypeFactory(event=event, name="VIP", price_kobo=5_000_000, capacity=50)
    stand = TicketTypeFactory(event=other, name="Stand", price_kobo=300_000, capacity=100)
    promo = PromoCodeFactory(organizer=event.organizer, code="NAIJA10", value=1_000)
    PromoCodeFactory(organizer=event.organizer, code="EARLY", kind="fixed", value=250_000)

    def pay(quantities, promo_code=""):
        hold = tickets.hold_tickets(buyer=UserFactory(), event=event, quantities=quantities)
        order = order_for(hold=hold, promo_code=promo_code)
        assert services.mark_paid(order=order, source="webhook") == "paid"
        return Order.objects.get(pk=order.pk)

    paid = [
        pay({regular.pk: 2, vip.pk: 1}),
        pay({regular.pk: 3}, promo_code="NAIJA10"),
        pay({vip.pk: 2, regular.pk: 1}, promo_code="EARLY"),
        pay({regular.pk: 1}, promo_code="NAIJA10"),
        pay({vip.pk: 1}),
    ]
    # Demo seeding books its orders too: three days back, and a minute past Lagos midnight
    # (still the previous day in UTC).
    today = timezone.localdate()
    midnight = datetime.combine(today - timedelta(days=1), datetime.min.time(), tzinfo=LAGOS)
    for n, when in enumerate(
        [timezone.now() - timedelta(days=3), midnight + timedelta(minutes=1)], start=1
    ):
        demo.create_paid_order(
            reference=f"GTSEED{n}", buyer=UserFactory(), lines=[(regular, 2)], paid_at=when
        )
    demo.create_paid_order(
        reference="GTSEED9", buyer=UserFactory(), lines=[(stand, 4)], paid_at=timezone.now()
    )
    paid_order_with_tickets(
        ticket_type=vip,
        quantity=2,
        paid_at=timezone.now() - timedelta(days=2),
        promo_code=promo,
        discount_kobo=1_000_000,
    )

    # Refunds, each through the service Paystack's confirmation calls.
    whole, with_items, money_only = paid[0], paid[1], paid[2]
    assert (
        services.apply_refund(order=whole, amount_kobo=whole.total_kobo, source="staff")
        == "refunded"
    )
    first = with_items.items.order_by("pk").first()
    assert (
        services.apply_refund(
            order=with_items, amount_kobo=first.paid_kobo, source="staff", item_ids=[first.pk]
        )
        == "partially_refunded"
    )
    assert (
        services.apply_refund(order=money_only, amount_kobo=100_000, source="staff")
        == "partially_refunded"
    )
    # A payment that came after its hold lapsed, refunded in full: never counted.
    late = order_for(hold=hold_for(ticket_type=regular, quantity=1))
    services.expire(order=late)
    services.apply_refund(order=late, amount_kobo=late.total_kobo, source="late_payment")
    # Cancelled and expired before paying: never counted.
    services.cancel(order=order_for(hold=hold_for(ticket_type=vip, quantity=1)))
    services.expire(order=order_for(hold=hold_for(ticket_type=regular, quantity=2)))
    return event, other


def test_the_pages_show_from_the_rollup_what_the_orders_add_up_to(varied_sales):
    event, other = varied_sales
    days, types, promos = shown_by_rollup(event)
    assert len(days) >= 3  # several Lagos days, the midnight one on its own day
    assert set(types) == {"Regular", "VIP"}
    assert {code for code, *_ in promos} == {"NAIJA10", "EARLY"}
    assert_rollup_matches_orders([event, other], event.organizer)
    assert sales.reconcile() == 0  # nothing drifted


def test_a_refunded_admission_leaves_its_paid_day_and_the_fee_stays(db):
    tt = TicketTypeFactory(price_kobo=1_000_000, capacity=10)
    order = order_for(hold=hold_for(ticket_type=tt, quantity=2))
    services.mark_paid(order=order, source="webhook")
    item = order.items.first()
    services.apply_refund(
        order=order, amount_kobo=item.paid_kobo, source="staff", item_ids=[item.pk]
    )
    order.refresh_from_db()
    [row] = organizer.sales_by_day(event=tt.event)
    assert (row["day"], row["tickets"], row["revenue_kobo"]) == (
        timezone.localtime(order.paid_at).date(),
        1,
        1_000_000,
    )
    assert organizer.service_fees_kobo(event=tt.event) == order.fee_kobo > 0


# --- Concurrency: increments, not overwrites --------------------------------------------


@pytest.mark.needs_services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_and_refunds_lose_no_count():
    tt = TicketTypeFactory(price_kobo=1_000_000, capacity=100)
    pending = [order_for(hold=hold_for(ticket_type=tt, quantity=2)) for _ in range(8)]
    refunding = [order_for(hold=hold_for(ticket_type=tt, quantity=1)) for _ in range(4)]
    for order in refunding:
        services.mark_paid(order=order, source="webhook")

    def pay(order):
        return lambda: services.mark_paid(order=order, source="webhook")

    def refund(order):
        return lambda: services.apply_refund(
            order=order, amount_kobo=order.total_kobo, source="staff"
        )

    results, errors = run_together(*[pay(o) for o in pending], *[refund(o) for o in refunding])
    assert not errors
    assert results == ["paid"] * 8 + ["refunded"] * 4
    figures = SalesRollup.objects.filter(event=tt.event).aggregate(
        orders=Sum("orders"), tickets=Sum("tickets"), revenue=Sum("revenue_kobo")
    )
    assert figures == {"orders": 8, "tickets": 16, "revenue": 16 * 1_000_000}
    assert sales.reconcile() == 0


# --- Reconcile ----------------------------------------------------------------------------


def test_reconcile_sales_corrects_drift_and_then_finds_none(varied_sales):
    event, other = varied_sales
    rows = SalesRollup.objects.filter(event=event, ticket_type__isnull=False).order_by("pk")
    SalesRollup.objects.filter(pk=rows[0].pk).update(tickets=F("tickets") + 5)  # wrong
    SalesRollup.objects.filter(event=other).delete()  # missing
    SalesRollup.objects.create(  # left over
        event=event, day=timezone.localdate() - timedelta(days=30), orders=1, total_kobo=99
    )
    assert shown_by_rollup(event)[0] != per_order_by_day(event)

    out = StringIO()
    call_command("reconcile_sales", stdout=out)
    # The wrong row, the stray one, and the other event's two rows (order, admissions).
    assert "4 row(s) corrected" in out.getvalue()
    assert_rollup_matches_orders([event, other], event.organizer)

    out = StringIO()
    call_command("reconcile_sales", stdout=out)
    assert "0 row(s) corrected" in out.getvalue()
