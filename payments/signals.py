from django.dispatch import Signal, receiver

from events.signals import event_cancelled

# kwargs: refund_id — Paystack confirmed it. Sent inside the transaction that applies the
# refund: a receiver writes its rows in it and defers anything external to on_commit.
refund_confirmed = Signal()


@receiver(event_cancelled)
def refund_cancelled_event(sender, event, **kwargs):
    from payments.services import start_event_refunds

    start_event_refunds(event=event)


def record_sale(sender=None, order_id=None, **kwargs):
    """A paid order goes into its organizer's ledger (payments/payouts.py)."""
    from payments import payouts

    if order_id is not None:
        payouts.record_sale(order_id=order_id)


def record_refund(sender=None, refund_id=None, **kwargs):
    from payments import payouts

    if refund_id is not None:
        payouts.record_refund(refund_id=refund_id)


def _connect():
    from orders.signals import order_paid

    order_paid.connect(record_sale, dispatch_uid="payments.ledger.sale")
    refund_confirmed.connect(record_refund, dispatch_uid="payments.ledger.refund")


_connect()
