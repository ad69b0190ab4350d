"""Staff in the admin: amounts in naira, no deleting records of money or admission, cancel
as a confirmed action, and an order's whole timeline on its page."""

import pytest

from orders.models import Order, OrderEvent
from payments.models import Payment, Refund
from tests.factories import OrderFactory, TicketTypeFactory, paid_order_with_tickets
from tickets.models import DeliveryLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    tt = TicketTypeFactory(price_kobo=9_790_750)
    order, _ = paid_order_with_tickets(ticket_type=tt, total_kobo=9_790_750)
    Payment.objects.create(
        order=order,
        paystack_reference=order.reference,
        status="success",
        amount_kobo=9_790_750,
        currency="NGN",
        source="webhook",
    )
    Refund.objects.create(order=order, amount_kobo=100_000, source="staff", reason="Late start")
    OrderEvent.objects.create(
        order=order, from_status="pending", to_status="paid", source="webhook"
    )
    DeliveryLog.objects.create(order=order, channel="email", kind="tickets", recipient=order.email)
    return order


@pytest.mark.parametrize(
    "url",
    [
        "/admin/orders/order/",
        "/admin/orders/order/{pk}/change/",
        "/admin/payments/payment/",
        "/admin/payments/refund/",
    ],
)
def test_amounts_read_in_naira(admin_client, order, url):
    html = admin_client.get(url.format(pk=order.pk)).content.decode()
    assert "₦97,907.50" in html or "₦1,000.00" in html
    assert "9790750" not in html and "9,790,750" not in html


@pytest.mark.parametrize(
    "model,get",
    [
        ("orders/order", lambda o: o),
        ("payments/payment", lambda o: o.payments.get()),
        ("payments/refund", lambda o: o.refunds.get()),
    ],
)
def test_orders_payments_and_refunds_cannot_be_deleted(admin_client, order, model, get):
    obj = get(order)
    listing = admin_client.get(f"/admin/{model}/").content.decode()
    assert "delete_selected" not in listing
    response = admin_client.post(f"/admin/{model}/{obj.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    bulk = admin_client.post(
        f"/admin/{model}/",
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_cancelling_unpaid_orders_asks_first(admin_client):
    pending = OrderFactory(status="pending", paid_at=None)
    data = {"action": "cancel_unpaid", "_selected_action": [pending.pk]}
    asked = admin_client.post("/admin/orders/order/", data)
    assert "Cancel these unpaid orders?" in asked.content.decode()
    pending.refresh_from_db()
    assert pending.status == Order.Status.PENDING
    admin_client.post("/admin/orders/order/", {**data, "confirmed": "yes"})
    pending.refresh_from_db()
    assert pending.status == Order.Status.CANCELLED
    assert pending.history.filter(to_status="cancelled", source="staff").exists()


def test_the_order_page_shows_its_whole_timeline(admin_client, order):
    html = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    timeline = html[html.index("order-timeline") :]
    for seen in (
        "pending → paid",
        "₦97,907.50 Applied",
        "₦1,000.00",
        "Late start",
        "email tickets",
    ):
        assert seen in timeline, seen


def test_records_are_not_added_by_hand_nor_edited_inside_an_order(admin_client, order):
    for model in ("orders/order", "payments/payment", "payments/refund"):
        assert admin_client.get(f"/admin/{model}/add/").status_code == 403
    html = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert 'name="items-0-refunded_at_0"' not in html  # the item's refund time is read only
    assert 'name="items-MAX_NUM_FORMS" value="0"' in html  # no "add another" row


def test_the_admin_names_refund_batches_in_proper_english(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "Refund batches" in page and "Refund batchs" not in page
