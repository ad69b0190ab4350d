from celery import shared_task

from orders import services


@shared_task(acks_late=True)
def expire_unpaid_orders() -> int:
    return services.expire_unpaid_orders()
