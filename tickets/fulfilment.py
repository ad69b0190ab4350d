"""After payment: the fulfilment chain, its trigger, and the buyer's "send it again"."""

import logging

from celery import chain, group
from django.db import transaction

from getiickets.errors import DomainError
from orders.models import Order
from tickets.models import DeliveryLog

log = logging.getLogger(__name__)


class NothingToResend(DomainError):
    """Your tickets are not ready yet; they will be emailed as soon as they are."""


def fulfilment_chain(order_id: int):
    from tickets import fulfilment_tasks as t

    return chain(
        t.issue_tickets.si(order_id),
        t.render_order_pdf.si(order_id),
        group(t.send_confirmation_email.si(order_id), t.send_sms.si(order_id)),
    )


def enqueue_fulfilment(order_id: int) -> None:
    """Start the chain once the surrounding transaction has committed."""
    transaction.on_commit(lambda: fulfilment_chain(order_id).apply_async())


def on_order_paid(sender=None, order_id=None, **kwargs):
    if order_id is None:
        return
    log.info("order %s paid: fulfilment enqueued", order_id)
    enqueue_fulfilment(order_id)


def tickets_ready(order: Order) -> bool:
    """Issued and the PDF is stored: what the "being prepared" state waits for."""
    if not order.tickets.exists():
        return False
    return order.delivery_logs.filter(
        channel=DeliveryLog.Channel.PDF, state=DeliveryLog.State.SENT
    ).exists()


@transaction.atomic
def request_resend(*, order: Order) -> str:
    """Queue a fresh copy of the confirmation email (and SMS) for the buyer; returns the kind."""
    from tickets import fulfilment_tasks as t

    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.PAID or not tickets_ready(order):
        raise NothingToResend()
    number = order.delivery_logs.filter(kind__startswith="resend-").values("kind").distinct()
    kind = f"resend-{number.count() + 1}"
    DeliveryLog.objects.create(order=order, channel=DeliveryLog.Channel.EMAIL, kind=kind)
    order_id = order.pk
    transaction.on_commit(lambda: t.send_confirmation_email.delay(order_id, kind))
    if order.phone:
        DeliveryLog.objects.create(order=order, channel=DeliveryLog.Channel.SMS, kind=kind)
        transaction.on_commit(lambda: t.send_sms.delay(order_id, kind))
    return kind
