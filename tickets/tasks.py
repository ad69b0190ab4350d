from celery import shared_task

from tickets import inventory


@shared_task(acks_late=True)
def release_expired_holds() -> int:
    return inventory.expire_lapsed_holds()


@shared_task(acks_late=True)
def reconcile_gate() -> list[dict]:
    """Nightly: repair drift between the Redis gate and the database (and log it)."""
    import logging

    report = inventory.reconcile_gate(fix=True)
    drifted = [row for row in report if row["drift"]]
    if drifted:
        logging.getLogger(__name__).warning("hold gate drift repaired: %s", drifted)
    return drifted


@shared_task(acks_late=True)
def requeue_stalled_deliveries() -> int:
    """Every few minutes: outbox rows a crash or a lost message left unsent (tickets.outbox)."""
    from tickets import outbox

    return outbox.requeue_stalled()


# --- Buyer notices about money (tickets.notices) ------------------------------------------
@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=5, max_retries=8, name="notify_refund"
)
def notify_refund(refund_id: int) -> None:
    from tickets import notices

    for channel in ("email", "sms"):
        notices.send_refund_notice(refund_id=refund_id, channel=channel)


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    max_retries=8,
    name="notify_event_cancelled",
)
def notify_event_cancelled(order_id: int) -> None:
    from tickets import notices

    for channel in ("email", "sms"):
        notices.send_cancellation_notice(order_id=order_id, channel=channel)


from tickets.fulfilment_tasks import *  # noqa: E402,F401,F403 (autodiscovery)
