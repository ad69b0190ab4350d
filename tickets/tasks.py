from celery import shared_task

from tickets import services


@shared_task(acks_late=True)
def release_expired_holds() -> int:
    return services.expire_lapsed_holds()


from tickets.fulfilment_tasks import *  # noqa: E402,F401,F403 (autodiscovery)
