"""Order lifecycle signals, sent on commit by orders.services."""

from django.dispatch import Signal

order_paid = Signal()  # kwargs: order_id
order_refunded = Signal()  # kwargs: order_id
