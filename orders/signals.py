"""Order signals. Both are sent on commit, with `order_id`, so receivers never see rollbacks."""

from django.dispatch import Signal

order_paid = Signal()  # fulfilment issues tickets
order_refunded = Signal()
