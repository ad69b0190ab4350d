from django.dispatch import Signal, receiver

from events.signals import event_cancelled

refund_confirmed = Signal()  # kwargs: refund_id — Paystack confirmed it (sent on commit)


@receiver(event_cancelled)
def refund_cancelled_event(sender, event, **kwargs):
    from payments.services import start_event_refunds

    start_event_refunds(event=event)
