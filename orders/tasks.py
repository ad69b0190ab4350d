from celery import shared_task

from orders import waitlist


@shared_task(acks_late=True)
def expire_waitlist_offers() -> int:
    return waitlist.expire_waitlist_offers()
