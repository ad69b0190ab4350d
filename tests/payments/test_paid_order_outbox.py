"""A paid order never loses its confirmation or its ledger line: both are written in the
payment's own transaction, and the outbox sweep sends what a crash right after the commit
left pending, exactly once.

The process "dies" by dropping what the payment queued on commit: the tasks that would have
issued and sent the tickets never run.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from events import services as events
from orders.models import Order
from payments import gateway, services
from payments.models import LedgerEntry, RefundBatch
from tests.checkout_helpers import order_for
from tests.factories import TicketTypeFactory, UserFactory
from tickets import outbox
from tickets.models import DeliveryLog, Ticket

pytestmark = pytest.mark.django_db


def charge_for(order: Order) -> gateway.VerifiedPayment:
    """What Paystack's verify answer says about a genuine charge for the order."""
    return gateway.VerifiedPayment(
        status="success",
        amount_kobo=order.total_kobo,
        currency=settings.CURRENCY,
        reference=order.reference,
        paid_at=timezone.now(),
        channel="card",
        metadata={"order_reference": order.reference, "order_id": order.pk},
        customer_email=order.email,
        fees_kobo=15_000,
    )


def pay_and_crash(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert services.apply_charge(payment=charge_for(order), source="webhook") == "applied"
    assert queued  # the issuing was to start on commit; the crash drops it
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def later(minutes):
    return timezone.now() + timedelta(minutes=minutes)


def sweep(django_capture_on_commit_callbacks, minutes=6):
    with django_capture_on_commit_callbacks(execute=True):
        return outbox.requeue_stalled(now=later(minutes))


def test_a_crash_after_the_payment_commits_still_ends_with_one_confirmation_and_one_sale(
    django_capture_on_commit_callbacks, mailoutbox, twilio
):
    buyer = UserFactory(phone="+2348031234567")
    ticket_type = TicketTypeFactory(price_kobo=1_000_000, capacity=10)
    order = order_for(buyer=buyer, ticket_type=ticket_type, quantity=2)

    pay_and_crash(order, django_capture_on_commit_callbacks)

    # The payment committed what it owes: the outbox rows and the organizer's sale.
    rows = {(d.channel, d.state) for d in DeliveryLog.objects.filter(order=order)}
    assert rows == {("pdf", "pending"), ("email", "pending"), ("sms", "pending")}
    sale = LedgerEntry.objects.get(order=order, kind=LedgerEntry.Kind.SALE)
    assert (sale.amount_kobo, sale.paystack_fee_kobo) == (order.total_kobo, 15_000)
    assert not Ticket.objects.filter(order=order).exists() and mailoutbox == []

    assert sweep(django_capture_on_commit_callbacks, minutes=1) == 0  # not stalled yet
    assert sweep(django_capture_on_commit_callbacks) == 1  # issue_tickets, which sends all

    assert Ticket.objects.filter(order=order).count() == 2
    assert [m.subject for m in mailoutbox] == [
        f"Your tickets for {order.event.title} ({order.reference})"
    ]
    assert len(twilio.messages) == 1 and "ready" in twilio.messages[0]["body"]
    assert set(DeliveryLog.objects.filter(order=order).values_list("state", flat=True)) == {"sent"}

    # Later sweeps, and the payment's webhook arriving again, add nothing.
    assert sweep(django_capture_on_commit_callbacks, minutes=30) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.apply_charge(payment=charge_for(order), source="webhook") == "duplicate"
    assert len(mailoutbox) == 1 and len(twilio.messages) == 1
    assert Ticket.objects.filter(order=order).count() == 2
    assert LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.SALE).count() == 1


def test_the_sweep_sends_only_the_steps_still_owed_once_tickets_exist(
    django_capture_on_commit_callbacks, mailoutbox
):
    order = order_for(quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_charge(payment=charge_for(order), source="webhook")
    assert len(mailoutbox) == 1
    # The email's task was lost after it had been tried once (the row went back to pending).
    DeliveryLog.objects.filter(order=order, channel="email").update(
        state="pending", attempts=1, sent_at=None
    )
    assert sweep(django_capture_on_commit_callbacks, minutes=6) == 0  # retries may be running
    assert sweep(django_capture_on_commit_callbacks, minutes=16) == 1
    assert len(mailoutbox) == 2  # the lost step, sent; nothing else was
    assert Ticket.objects.filter(order=order).count() == 1


def test_a_step_being_sent_right_now_is_not_sent_again_by_the_sweep(
    django_capture_on_commit_callbacks, mailoutbox
):
    order = order_for(quantity=1)
    pay_and_crash(order, django_capture_on_commit_callbacks)
    # Another worker holds the email's lease (it is sending it this instant).
    DeliveryLog.objects.filter(order=order, channel="email").update(
        state="sending", attempts=1, started_at=timezone.now(), lease_until=later(60)
    )
    sweep(django_capture_on_commit_callbacks)
    assert Ticket.objects.filter(order=order).count() == 1
    assert mailoutbox == []  # the sweep's copy found the lease and left it to its holder


def test_a_crash_after_a_cancellation_commits_still_tells_each_buyer_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    ticket_type = TicketTypeFactory(price_kobo=1_000_000, capacity=10)
    order = order_for(ticket_type=ticket_type, quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_charge(payment=charge_for(order), source="webhook")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=False):
        events.cancel_event(event=ticket_type.event)

    notice = DeliveryLog.objects.get(order=order, channel="email", kind="event-cancelled")
    assert notice.state == "pending"
    assert RefundBatch.objects.get(event=ticket_type.event).status == RefundBatch.Status.QUEUED

    sweep(django_capture_on_commit_callbacks)
    assert [m.subject for m in mailoutbox] == [f"Cancelled: {ticket_type.event.title}"]
    sweep(django_capture_on_commit_callbacks, minutes=7)
    assert len(mailoutbox) == 1
