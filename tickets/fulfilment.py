"""After payment: the delivery outbox is written, then its steps run; and "send it again"."""

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef

from getiickets.celery import app as celery_app
from getiickets.errors import DomainError
from orders.models import Order
from tickets import delivery
from tickets.models import DeliveryLog

log = logging.getLogger(__name__)

# Redis broker priorities (0 is served first): a confirmation step handed to its own task
# (`after_issuing`) overtakes the orders still waiting to be issued.
URGENT = 0
NORMAL = 5
# A confirmation step that failed in the issuing task is tried again by its own task after
# this (the first step of the tasks' backoff, tickets.fulfilment_tasks.RETRY).
RETRY_AFTER_SECONDS = 5


class NothingToResend(DomainError):
    """Your tickets are not ready yet; they will be emailed as soon as they are."""


def dispatch(task, *args, **options) -> None:
    """Hand a task to the broker or, without one (the embedded default), run it right here.

    Eagerly, Celery's ``apply_async`` and canvas (chains, groups) switch a process-wide
    "no joining results" flag on and off around each task, so two fulfilments overlapping in
    a threaded server trip over each other's flag ("Never call result.get() within a task!")
    and the rest of a chain is lost. ``task.apply()`` runs the same task, retries included,
    without touching it; each step starts the next one itself, so nothing is joined.
    """
    if celery_app.conf.task_always_eager:
        result = task.apply(args=args)
        if result.failed():  # the outbox row stays unsent; the sweep runs it again
            log.error("%s%r failed in-process: %r", task.name, args, result.result)
        return
    task.apply_async(args=args, **options)


def record_confirmation(order_id: int) -> None:
    """Write the confirmation's outbox rows (PDF, email, SMS); idempotent. Called inside the
    transaction that marks the order paid, so they commit with the payment or not at all."""
    phone = Order.objects.values_list("phone", flat=True).get(pk=order_id)
    delivery.record_intent(order_id=order_id, channel=DeliveryLog.Channel.PDF, kind="confirmation")
    delivery.record_intent(
        order_id=order_id, channel=DeliveryLog.Channel.EMAIL, kind="confirmation"
    )
    delivery.record_sms_intent(order_id=order_id, kind="confirmation", phone=phone)


def issue(order_id: int) -> None:
    """Issue the tickets, which then sends them (`after_issuing`)."""
    from tickets import fulfilment_tasks as t

    dispatch(t.issue_tickets, order_id, priority=NORMAL)


def start_fulfilment(order_id: int) -> None:
    """Write the confirmation's outbox rows, then issue the tickets (which sends them)."""
    record_confirmation(order_id)
    issue(order_id)


def after_issuing(order_id: int) -> None:
    """Two speeds: the confirmation (email with the QR codes, SMS with the link) goes out
    now, in the task that issued the tickets, with the order, its tickets and QR codes read
    once for both and no second wait in the queue; the PDF renders on its own queue.

    A step that fails here (the provider refused, another attempt holds its lease) goes to
    its own task, which retries it with backoff and marks it failed once retries run out."""
    from tickets import fulfilment_tasks as t

    confirmation = delivery.Confirmation.of(order_id)
    for send, task in (
        (delivery.send_confirmation_email, t.send_confirmation_email),
        (delivery.send_sms, t.send_sms),
    ):
        try:
            send(order_id=order_id, confirmation=confirmation)
        except Exception as exc:
            log.warning("%s of order %s: %r; its own task retries it", task.name, order_id, exc)
            dispatch(task, order_id, priority=URGENT, countdown=RETRY_AFTER_SECONDS)
    dispatch(t.render_order_pdf, order_id)


def enqueue_fulfilment(order_id: int) -> None:
    """The outbox rows now, in the surrounding transaction; the issuing once it has committed.
    Should the process die in between, `tickets.outbox.requeue_stalled` finds the rows."""
    record_confirmation(order_id)
    transaction.on_commit(lambda: issue(order_id))


def on_order_paid(sender=None, order_id=None, **kwargs):
    """Inside the payment's transaction (orders.services.mark_paid)."""
    if order_id is None:
        return
    log.info("order %s paid: fulfilment enqueued", order_id)
    enqueue_fulfilment(order_id)


def with_ticket_state(orders):
    """Orders annotated with what `tickets_ready` and `tickets_stuck` read, so a page of
    orders costs one query however many there are."""
    from tickets.models import Ticket

    pdf = DeliveryLog.objects.filter(order=OuterRef("pk"), channel=DeliveryLog.Channel.PDF)
    return orders.annotate(
        tickets_issued=Exists(Ticket.objects.filter(order=OuterRef("pk"))),
        pdf_failed=Exists(pdf.filter(state=DeliveryLog.State.FAILED)),
    )


def tickets_ready(order: Order) -> bool:
    """Issued: what the "being prepared" state waits for (the PDF is made on demand)."""
    if hasattr(order, "tickets_issued"):
        return order.tickets_issued
    return order.tickets.exists()


def tickets_stuck(order: Order) -> bool:
    """The PDF failed: the buyer is told support is on it instead of "being prepared"."""
    if hasattr(order, "pdf_failed"):
        return order.pdf_failed
    return order.delivery_logs.filter(
        channel=DeliveryLog.Channel.PDF, state=DeliveryLog.State.FAILED
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
    transaction.on_commit(lambda: dispatch(t.send_confirmation_email, order_id, kind))
    if order.phone:
        sms = delivery.record_sms_intent(order_id=order_id, kind=kind, phone=order.phone)
        if sms.state == DeliveryLog.State.PENDING:
            transaction.on_commit(lambda: dispatch(t.send_sms, order_id, kind))
    return kind
