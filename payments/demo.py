"""Demo money (`manage.py seed_demo`): the demo's paid orders are in their organizers' ledger,
as payment would have written them, so the Money page agrees with the orders. Idempotent."""


def seed_ledger():
    from orders.models import Order
    from payments import payouts
    from payments.models import LedgerEntry

    paid = Order.objects.filter(status=Order.Status.PAID).exclude(
        pk__in=LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SALE).values("order_id")
    )
    for order_id in paid.values_list("pk", flat=True):
        payouts.record_sale(order_id=order_id)
