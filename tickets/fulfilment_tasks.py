"""Celery tasks of the fulfilment chain. They take primary keys and are safe to re-run."""

import logging

from celery import Task, shared_task
from celery.exceptions import Ignore

from getiickets.errors import DomainError
from orders.models import Order
from tickets import delivery, issuing

log = logging.getLogger(__name__)

__all__ = [
    "issue_tickets",
    "render_order_pdf",
    "send_confirmation_email",
    "send_sms",
    "refresh_order_pdf",
    "send_transfer_notice",
]

RETRY = {
    "autoretry_for": (Exception,),
    "dont_autoretry_for": (DomainError, Ignore),
    "retry_backoff": 5,  # 5 s, 10 s, 20 s ... (with jitter)
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


class DeliveryTask(Task):
    """Marks the step's delivery log `failed` once the retries are used up."""

    channel = ""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        order_id = kwargs.get("order_id", args[0] if args else None)
        kind = kwargs.get("kind", args[1] if len(args) > 1 else "confirmation")
        if self.channel and order_id:
            delivery.mark_failed(
                order_id=order_id,
                channel=self.channel,
                kind=kind,
                error=f"{type(exc).__name__}: {exc}",
            )


def _paid_or_stop(order_id: int) -> None:
    status = Order.objects.filter(pk=order_id).values_list("status", flat=True).first()
    if status != Order.Status.PAID:
        log.warning("order %s is %s: fulfilment stops", order_id, status)
        raise Ignore()


@shared_task(name="tickets.fulfilment.issue_tickets", **RETRY)
def issue_tickets(order_id: int) -> int:
    from tickets import fulfilment

    _paid_or_stop(order_id)
    tickets = issuing.issue_tickets(order_id=order_id)
    fulfilment.after_issuing(order_id)  # the email and SMS go from here; the PDF is queued
    return len(tickets)


@shared_task(name="tickets.fulfilment.render_order_pdf", base=DeliveryTask, **RETRY)
def render_order_pdf(order_id: int, kind: str = "confirmation") -> str:
    _paid_or_stop(order_id)
    return delivery.store_pdf(order_id=order_id, kind=kind).state


render_order_pdf.channel = "pdf"


@shared_task(name="tickets.fulfilment.send_confirmation_email", base=DeliveryTask, **RETRY)
def send_confirmation_email(order_id: int, kind: str = "confirmation") -> str:
    _paid_or_stop(order_id)
    return delivery.send_confirmation_email(order_id=order_id, kind=kind).state


send_confirmation_email.channel = "email"


@shared_task(name="tickets.fulfilment.send_sms", base=DeliveryTask, **RETRY)
def send_sms(order_id: int, kind: str = "confirmation") -> str:
    _paid_or_stop(order_id)
    return delivery.send_sms(order_id=order_id, kind=kind).state


send_sms.channel = "sms"


@shared_task(name="tickets.fulfilment.refresh_order_pdf", **RETRY)
def refresh_order_pdf(order_id: int) -> None:
    delivery.refresh_pdf(order_id=order_id)


@shared_task(name="tickets.fulfilment.send_transfer_notice", **RETRY)
def send_transfer_notice(transfer_id: int) -> str:
    return delivery.send_transfer_notice(transfer_id=transfer_id).state
