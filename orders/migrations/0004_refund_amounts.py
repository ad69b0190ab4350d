from django.db import migrations, models
from django.db.models import F, Q, Sum


def backfill(apps, schema_editor):
    """Existing admissions: the order's subtotal less discount shared by price (the split
    pricing uses); the reserved refunds: every refund not failed."""
    from orders.pricing import split

    Order = apps.get_model("orders", "Order")
    OrderItem = apps.get_model("orders", "OrderItem")
    Refund = apps.get_model("payments", "Refund")
    for order in Order.objects.all().iterator():
        items = list(OrderItem.objects.filter(order_id=order.pk).order_by("pk"))
        shares = split(order.subtotal_kobo - order.discount_kobo, [item.unit_price_kobo for item in items])
        for item, share in zip(items, shares, strict=True):
            item.paid_kobo = share
        OrderItem.objects.bulk_update(items, ["paid_kobo"])
    live = (
        Refund.objects.exclude(status="failed")
        .values("order_id")
        .annotate(total=Sum("amount_kobo"))
    )
    for row in live:
        Order.objects.filter(pk=row["order_id"]).update(refunds_reserved_kobo=row["total"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_checkout"),
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="refunds_reserved_kobo",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="orderitem",
            name="paid_kobo",
            field=models.BigIntegerField(
                default=0,
                help_text="What the buyer paid for this admission: its price less its share of "
                "the promo discount (orders.pricing). Refunding it returns at most this; the "
                "service fee is returned only with the whole order.",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=Q(refunds_reserved_kobo__gte=0)
                & Q(refunds_reserved_kobo__lte=F("total_kobo")),
                name="order_refunds_at_most_paid",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderitem",
            constraint=models.CheckConstraint(
                condition=Q(paid_kobo__gte=0), name="order_item_paid_not_negative"
            ),
        ),
    ]
