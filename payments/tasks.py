from celery import shared_task

from payments import gateway, services


@shared_task(acks_late=True)
def reverify_pending_payments() -> int:
    return services.reverify_pending_payments()


@shared_task(
    acks_late=True,
    autoretry_for=(gateway.GatewayError,),
    retry_backoff=True,
    max_retries=8,
)
def send_refund(refund_id: int) -> None:
    services.send_refund(refund_id=refund_id)


@shared_task(acks_late=True)
def refund_event_orders(batch_id: int) -> None:
    services.run_refund_batch(batch_id=batch_id)
