from django.db import migrations


def backfill(apps, schema_editor):
    from orders import sales

    sales.reconcile(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_sales_rollup")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
