"""The outbox sweep: delivery rows a crash left behind are handed to Celery again.

Outbox rows (tickets.delivery) are written in the transaction that makes them owed (a
payment, a refund, a cancellation, a transfer); the task that sends them is enqueued on
commit. A process that dies between the commit and that enqueue, or a message the broker
lost, leaves a row ``pending`` that nobody will send. Celery beat runs `requeue_stalled`
every few minutes; what it enqueues goes through `delivery.run_step`, whose claim and lease
make a second copy of a task harmless (a step already sent is not sent again, one being sent
is retried later), so the sweep may overlap a slow original without sending anything twice.
Refund batches of a cancelled event that never started are re-enqueued the same way.
"""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from orders.models import Order
from tickets.models import DeliveryLog, Ticket

log = logging.getLogger(__name__)

# A row never tried this long after it was written lost its task (a queue in a burst drains
# well within it).
NEVER_TRIED_AFTER = timedelta(minutes=5)
# A row tried and put back to pending is being retried with backoff (at most 10 minutes
# apart, tickets.fulfilment_tasks.RETRY): only silence longer than that means the retries
# were lost.
RETRIES_LOST_AFTER = timedelta(minutes=15)
# After this many attempts the row is left to staff (the delivery log shows it).
MAX_ATTEMPTS = 20
BATCH = 500


def stalled(now=None):
    """Outbox rows nobody is going to send unless they are enqueued again."""
    now = now or timezone.now()
    pending = Q(state=DeliveryLog.State.PENDING) & (
        Q(attempts=0, created_at__lt=now - NEVER_TRIED_AFTER)
        | Q(attempts__gt=0, updated_at__lt=now - RETRIES_LOST_AFTER)
    )
    # An attempt that died mid-send and was never redelivered: its lease lapsed long ago.
    abandoned = Q(state=DeliveryLog.State.SENDING, lease_until__lt=now - NEVER_TRIED_AFTER)
    return DeliveryLog.objects.filter(pending | abandoned, attempts__lt=MAX_ATTEMPTS)


def requeue_stalled(now=None) -> int:
    """Enqueue again the tasks of stalled outbox rows; returns how many tasks were enqueued."""
    from tickets import fulfilment_tasks as ft
    from tickets import tasks
    from tickets.fulfilment import NORMAL, dispatch

    rows = list(
        stalled(now).values_list("order_id", "channel", "kind").order_by("created_at")[:BATCH]
    )
    paid = set(
        Order.objects.filter(
            pk__in={order_id for order_id, _, _ in rows}, status=Order.Status.PAID
        ).values_list("pk", flat=True)
    )
    issued = set(
        Ticket.objects.filter(order_id__in=paid).values_list("order_id", flat=True).distinct()
    )
    confirmation_tasks = {
        DeliveryLog.Channel.EMAIL: ft.send_confirmation_email,
        DeliveryLog.Channel.SMS: ft.send_sms,
        DeliveryLog.Channel.PDF: ft.render_order_pdf,
    }
    jobs = set()  # (task, args): each enqueued once per sweep
    for order_id, channel, kind in rows:
        if kind == "confirmation" or kind.startswith("resend-"):
            if order_id not in paid:
                continue  # refunded or cancelled since: its tasks stop anyway
            if order_id not in issued:
                jobs.add((ft.issue_tickets, (order_id,)))  # it sends every step once issued
            else:
                jobs.add((confirmation_tasks[channel], (order_id, kind)))
        elif kind.startswith("refund-"):
            jobs.add((tasks.notify_refund, (int(kind.removeprefix("refund-")),)))
        elif kind == "event-cancelled":
            jobs.add((tasks.notify_event_cancelled, (order_id,)))
        elif kind.startswith("transfer-"):
            jobs.add((ft.send_transfer_notice, (int(kind.removeprefix("transfer-")),)))
        else:
            log.error("outbox sweep: no task sends %s/%s of order %s", channel, kind, order_id)
    for task, args in sorted(jobs, key=lambda job: (job[0].name, job[1])):
        log.warning("outbox sweep: %s%r re-enqueued", task.name, args)
        dispatch(task, *args, priority=NORMAL)
    return len(jobs) + _requeue_refund_batches(now)


def _requeue_refund_batches(now=None) -> int:
    """A cancelled event's refund batch written but never started (its task was lost)."""
    from payments.models import RefundBatch
    from payments.tasks import refund_event_orders

    now = now or timezone.now()
    ids = list(
        RefundBatch.objects.filter(
            status=RefundBatch.Status.QUEUED, created_at__lt=now - RETRIES_LOST_AFTER
        ).values_list("pk", flat=True)
    )
    for batch_id in ids:
        log.warning("outbox sweep: refund batch %s re-enqueued", batch_id)
        refund_event_orders.delay(batch_id)
    return len(ids)
