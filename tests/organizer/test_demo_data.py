"""The demo (`make run`) tells one story: orders placed before they are paid, a promo code's
uses equal to the orders that used it on every page, money figures that add up, and every
sold ticket (the sold-out event's too) bought in a paid order."""

import pytest
from django.core.management import call_command
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import User
from events.demo import SOLD_OUT
from events.models import Event, TicketType
from orders.models import Order, OrderItem, PromoCode
from organizer.services import SALE_STATUSES
from payments import payouts
from payments.models import LedgerEntry
from tests.organizer.conftest import sign_in_as_organizer
from tickets.models import CheckIn, Hold, HoldLine, Ticket

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


def test_every_demo_sold_count_is_backed_by_paid_admissions_and_their_tickets(demo):
    """What `sold` counts (tickets.inventory.holds: sell_hold adds a hold's quantity when its
    order is paid, return_sold takes back a refunded admission): unrefunded admissions of paid
    orders, each with one valid ticket; `held` counts active holds' lines."""
    types = TicketType.objects.select_related("event")
    assert types.count() > 20
    for tt in types:
        admissions = OrderItem.objects.filter(
            ticket_type=tt, order__status__in=SALE_STATUSES, refunded_at__isnull=True
        ).count()
        tickets = Ticket.objects.filter(ticket_type=tt, status=Ticket.Status.VALID).count()
        held = (
            HoldLine.objects.filter(ticket_type=tt, hold__status=Hold.Status.ACTIVE).aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
        assert (tt.sold, tt.held) == (admissions, held), f"{tt.event.slug} / {tt.name}"
        assert tickets == admissions, f"{tt.event.slug} / {tt.name}"


def test_the_sold_out_event_is_sold_out_by_fans_paid_orders(client, demo):
    event = Event.objects.get(slug=SOLD_OUT)
    types = list(event.ticket_types.all())
    assert [(t.name, t.sold, t.capacity) for t in types] == [
        ("Popular stand", 12, 12),
        ("Covered stand", 4, 4),
    ]
    orders = Order.objects.filter(event=event)
    assert set(orders.values_list("status", flat=True)) == {Order.Status.PAID}
    buyers = set(orders.values_list("buyer__email", flat=True))
    assert len(buyers) >= 3 and "buyer@demo.getiickets.ng" not in buyers
    assert Ticket.objects.filter(event=event, status=Ticket.Status.VALID).count() == 16
    for order in orders:
        assert order.total_kobo == order.subtotal_kobo + order.fee_kobo > order.subtotal_kobo
        assert order.history.filter(to_status="paid").exists()
        assert order.created_at < order.paid_at < event.starts_at
        sale = LedgerEntry.objects.get(order=order, kind=LedgerEntry.Kind.SALE)
        assert sale.amount_kobo == order.total_kobo
    gross = orders.aggregate(s=Sum("total_kobo"))["s"]
    sign_in_as_organizer(client, event.organizer.user)
    board = client.get("/organizer/dashboard")
    assert board.status_code == 200
    (row,) = [e for e in board.context["board"].upcoming if e.pk == event.pk]
    assert (row.sold_total, row.capacity_total, row.gross_kobo) == (16, 16, gross)
    assert row.paid_orders == orders.count()
    assert "16 of 16" in board.content.decode()
    assert "Sold out" in client.get(f"/events/{SOLD_OUT}").content.decode()


def test_seeding_the_demo_again_changes_nothing(demo, django_capture_on_commit_callbacks):
    def snapshot():
        return (
            list(TicketType.objects.order_by("pk").values_list("pk", "capacity", "sold", "held")),
            list(Order.objects.order_by("pk").values_list("pk", "status", "total_kobo")),
            Ticket.objects.count(),
            LedgerEntry.objects.count(),
            User.objects.count(),
        )

    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    assert snapshot() == before
