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


# --- Organizer payouts (payments/payouts.py) ------------------------------------------------
@shared_task(acks_late=True)
def run_due_payouts() -> int:
    from payments import payouts

    return payouts.run_due_payouts()


@shared_task(
    acks_late=True, autoretry_for=(gateway.GatewayError,), retry_backoff=True, max_retries=8
)
def send_payout(payout_id: int) -> None:
    from payments import payouts

    payouts.send_payout(payout_id=payout_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def email_payout(payout_id: int) -> None:
    from payments import payouts

    payouts.send_payout_email(payout_id=payout_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notify_payout_account_changed(account_id: int, user_id: int) -> None:
    from payments import payouts

    payouts.send_account_notice(account_id=account_id, user_id=user_id)
