"""Telling buyers about money coming back: a notice per confirmed refund and one per order of a
cancelled event, by email and (when Twilio is configured and the order has a phone) SMS.

Each notice goes through the delivery outbox (tickets.delivery: the intent is recorded, then
sent by `run_step`, unique per order, channel and kind, no transaction open while the provider
answers), so a retried or duplicated task never sends it twice. The outbox rows are
written inside the transaction that confirms the refund or cancels the event (payments'
`refund_confirmed`, events' `event_cancelled`); Celery tasks enqueued on commit send them
(tickets.tasks), and `tickets.outbox` re-enqueues any a crash left behind.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from getiickets.templatetags.money import format_naira
from orders.models import Order
from payments.models import Refund
from tickets import delivery

# Paystack sends a processed refund to the buyer's bank at once; banks then take up to ten
# working days to show it (Paystack's own guidance to customers).
REFUND_WORKING_DAYS = 10
LAGOS = ZoneInfo("Africa/Lagos")
CANCELLED_KIND = "event-cancelled"


def expected_by(start) -> date:
    """The date a refund processed at `start` should have reached the buyer (Lagos days)."""
    day = timezone.localtime(start, LAGOS).date()
    left = REFUND_WORKING_DAYS
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return day


def _send(*, order, channel: str, kind: str, subject: str, template: str, context, sms: str):
    """One notice on one channel, through the delivery outbox (sent once per order and kind)."""
    if channel == "email":
        return delivery.run_step(
            order_id=order.pk,
            channel="email",
            kind=kind,
            recipient=order.email,
            action=lambda entry: delivery._send_email(
                entry=entry, to=order.email, subject=subject, template=template, context=context
            ),
            resume=delivery._resume_email,
        )
    return delivery._sms_step(order_id=order.pk, kind=kind, phone=order.phone, body=sms)


# --- Refund confirmed ----------------------------------------------------------------------
def send_refund_notice(*, refund_id: int, channel: str):
    refund = Refund.objects.select_related("order", "order__event").get(pk=refund_id)
    order = refund.order
    kind = f"refund-{refund.pk}"
    context = {
        "order": order,
        "event": order.event,
        "refund": refund,
        "amount": format_naira(refund.amount_kobo),
        "expected_by": expected_by(refund.processed_at or timezone.now()),
        "whole": order.refunded_kobo >= order.total_kobo,
        "order_url": f"{settings.SITE_URL}/orders/{order.reference}",
    }
    sms = (
        f"getiickets: {context['amount']} refunded for {order.event.title} (order "
        f"{order.reference}). Expect it in your account by "
        f"{context['expected_by']:%a %d %b}."
    )
    return _send(
        order=order,
        channel=channel,
        kind=kind,
        subject=f"Refund of {context['amount']} for {order.event.title}",
        template="refund_notice",
        context=context,
        sms=sms,
    )


def _intend(order_id: int, kind: str) -> None:
    """Write the notice into the delivery outbox before it is sent (tickets.delivery)."""
    phone = Order.objects.values_list("phone", flat=True).get(pk=order_id)
    delivery.record_intent(order_id=order_id, channel="email", kind=kind)
    delivery.record_sms_intent(order_id=order_id, kind=kind, phone=phone)


def on_refund_confirmed(sender=None, refund_id=None, **kwargs):
    """Inside the refund's transaction: the notice's outbox rows commit with the refund, so a
    crash after the commit still leaves them to send; the sending waits for the commit."""
    from tickets import tasks

    if refund_id is None:
        return
    _intend(
        Refund.objects.values_list("order_id", flat=True).get(pk=refund_id), f"refund-{refund_id}"
    )
    transaction.on_commit(lambda: tasks.notify_refund.delay(refund_id))


# --- Event cancelled -----------------------------------------------------------------------
def cancellation_refund_kobo(order: Order) -> int:
    """What the buyer gets back for the cancellation: everything not refunded before it."""
    event_refunds = (
        order.refunds.filter(source="event")
        .exclude(status=Refund.Status.FAILED)
        .aggregate(s=Sum("amount_kobo"))["s"]
        or 0
    )
    return order.total_kobo - order.refunds_reserved_kobo + event_refunds


def send_cancellation_notice(*, order_id: int, channel: str):
    order = Order.objects.select_related("event").get(pk=order_id)
    amount = cancellation_refund_kobo(order)
    context = {
        "order": order,
        "event": order.event,
        "amount": format_naira(amount) if amount else "",
        "expected_by": expected_by(timezone.now()),
        "order_url": f"{settings.SITE_URL}/orders/{order.reference}",
    }
    money = (
        f" Your {context['amount']} is being refunded; expect it by "
        f"{context['expected_by']:%a %d %b}."
        if amount
        else ""
    )
    return _send(
        order=order,
        channel=channel,
        kind=CANCELLED_KIND,
        subject=f"Cancelled: {order.event.title}",
        template="event_cancelled",
        context=context,
        sms=f"getiickets: {order.event.title} is cancelled (order {order.reference}).{money}",
    )


def on_event_cancelled(sender=None, event=None, **kwargs):
    """Inside the cancellation's transaction (events.services.cancel_event): each buyer's
    notice is written into the outbox with it; the sending waits for the commit."""
    from tickets import tasks

    order_ids = list(
        Order.objects.filter(
            event=event,
            status__in=[
                Order.Status.PAID,
                Order.Status.PARTIALLY_REFUNDED,
                Order.Status.REFUNDED,
            ],
        ).values_list("pk", flat=True)
    )
    for order_id in order_ids:
        _intend(order_id, CANCELLED_KIND)
        transaction.on_commit(
            lambda order_id=order_id: tasks.notify_event_cancelled.delay(order_id)
        )
