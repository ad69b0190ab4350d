"""The order state machine: guarded transitions, logged, signals to other apps."""

import pytest

from orders import services
from orders.models import Order, PromoCode
from orders.signals import order_paid
from tests.checkout_helpers import order_for
from tests.factories import PromoCodeFactory, TicketTypeFactory
from tickets.models import Hold

pytestmark = pytest.mark.django_db


def test_order_paid_is_sent_once_inside_the_payment_transaction_with_the_order_id(
    django_capture_on_commit_callbacks,
):
    received = []

    def receiver(sender, order_id, **kwargs):
        # Inside the transaction: what a receiver writes commits with the payment.
        received.append((order_id, Order.objects.get(pk=order_id).status))

    order_paid.connect(receiver)
    try:
        order = order_for()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.mark_paid(order=order, source="webhook") == "paid"
            assert received == [(order.pk, Order.Status.PAID)]  # before the commit
        with django_capture_on_commit_callbacks(execute=True):
            assert services.mark_paid(order=order, source="callback") == "already"
    finally:
        order_paid.disconnect(receiver)
    assert received == [(order.pk, Order.Status.PAID)]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.paid_at
    assert order.hold.status == Hold.Status.SOLD
    event = order.history.get(to_status="paid")
    assert (event.from_status, event.source) == ("pending", "webhook")


def test_a_cancelled_unpaid_order_frees_its_tickets_and_its_promo_use():
    ticket_type = TicketTypeFactory(capacity=5)
    promo = PromoCodeFactory(organizer=ticket_type.event.organizer, code="ONE", max_uses=1)
    order = order_for(ticket_type=ticket_type, promo_code="ONE", quantity=2)
    assert services.cancel(order=order, actor=order.buyer) is True
    assert services.cancel(order=order, actor=order.buyer) is False
    assert services.expire(order=order) is False
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    ticket_type.refresh_from_db()
    assert ticket_type.held == 0
    assert PromoCode.objects.get(pk=promo.pk).uses == 0
    assert [e.to_status for e in order.history.all()] == ["pending", "cancelled"]


def test_placing_the_order_twice_for_one_hold_returns_the_same_order():
    order = order_for()
    again = services.place_order(
        buyer=order.buyer,
        hold=order.hold,
        details=services.BuyerDetails("X", "x@example.ng"),
    )
    assert again.pk == order.pk
    assert Order.objects.count() == 1


def test_items_carry_one_admission_each_with_attendee_names():
    from tests.checkout_helpers import details_for, hold_for

    hold = hold_for(quantity=3)
    order = services.place_order(
        buyer=hold.buyer,
        hold=hold,
        details=details_for(hold.buyer),
        attendee_names=["Ada", "", "Bola"],
    )
    assert list(order.items.values_list("attendee_name", flat=True)) == ["Ada", "", "Bola"]
    assert order.total_kobo == 3_000_000 + 105_000 + 10_000
