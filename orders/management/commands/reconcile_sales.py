from django.core.management.base import BaseCommand

from orders import sales


class Command(BaseCommand):
    help = (
        "Recount the sales rollup (what the organizer dashboard and analytics read) from the "
        "orders and correct every row that drifted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", type=int, action="append", dest="events")

    def handle(self, *args, events=None, **options):
        corrected = sales.reconcile(event_ids=events)
        self.stdout.write(
            self.style.SUCCESS(f"Sales rollup reconciled: {corrected} row(s) corrected.")
        )
