"""A confirmed refund writes the buyer's notice into the delivery outbox (and the organizer's
ledger line) in the same transaction: a process that dies right after the refund commits,
before anything queued on commit has run, still leaves both behind."""

import pytest
from django.db.models import F

from events.models import TicketType
from orders.models import Order
from payments import payouts, services
from payments.models import LedgerEntry, Refund
from tests.factories import OrderFactory, UserFactory
from tickets.models import DeliveryLog

# Not transactional: the refund's own transaction commits into the test's, and what it queues
# on commit never runs, as if the process had died the moment the refund committed.
pytestmark = pytest.mark.django_db


def test_the_refund_notice_is_recorded_with_the_refund_itself():
    order = OrderFactory(items=1, buyer=UserFactory(phone="+2348031234567"))
    TicketType.objects.filter(order_items__order=order).update(sold=1)
    payouts.record_sale(order_id=order.pk)
    refund = Refund.objects.create(
        order=order, amount_kobo=order.total_kobo, status=Refund.Status.PENDING, source="staff"
    )
    Order.objects.filter(pk=order.pk).update(refunds_reserved_kobo=F("total_kobo"))

    assert services.confirm_refund(refund=refund, source="webhook")

    notice = {
        (d.channel, d.state)
        for d in DeliveryLog.objects.filter(order=order, kind=f"refund-{refund.pk}")
    }
    assert notice == {("email", "pending"), ("sms", "skipped")}  # no SMS provider in tests
    assert LedgerEntry.objects.filter(refund=refund, kind=LedgerEntry.Kind.REFUND).exists()
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
