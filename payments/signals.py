from django.dispatch import receiver

from events.signals import event_cancelled


@receiver(event_cancelled)
def refund_cancelled_event(sender, event, **kwargs):
    from payments.services import start_event_refunds

    start_event_refunds(event=event)
