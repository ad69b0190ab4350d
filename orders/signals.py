"""Order lifecycle signals, sent by orders.services.

``order_paid`` is sent inside the transaction that marks the order paid: a receiver writes its
rows in it (they commit with the payment or not at all) and defers anything external (a
Celery task, an email) to ``transaction.on_commit``. ``order_refunded`` is sent on commit.
"""

from django.dispatch import Signal

order_paid = Signal()  # kwargs: order_id
order_refunded = Signal()  # kwargs: order_id
