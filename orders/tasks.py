from celery import shared_task

from orders import sales, services, waitlist


@shared_task(acks_late=True)
def expire_unpaid_orders() -> int:
    return services.expire_unpaid_orders()


@shared_task(acks_late=True)
def expire_waitlist_offers() -> int:
    return waitlist.expire_waitlist_offers()


@shared_task(acks_late=True)
def reconcile_sales() -> int:
    """Nightly: the sales rollup recounted from the orders; drift corrected (and counted)."""
    return sales.reconcile()
