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


from tickets.fulfilment_tasks import *  # noqa: E402,F401,F403 (autodiscovery)
