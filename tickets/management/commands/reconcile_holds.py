from django.core.management.base import BaseCommand

from tickets import inventory
from tickets.inventory import gate


class Command(BaseCommand):
    help = (
        "Release lapsed holds, compare the Redis gate's counters with the database "
        "(capacity − sold − active holds), report drift per ticket type and fix it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report drift without fixing it."
        )
        parser.add_argument("--ticket-type", type=int, action="append", dest="ticket_types")

    def handle(self, *args, dry_run=False, ticket_types=None, **options):
        if gate.client() is None:
            released = inventory.expire_lapsed_holds()
            self.stdout.write(
                f"Released {released} lapsed hold(s). Redis gate is off or unreachable: "
                "nothing to reconcile (the database alone is selling)."
            )
            return
        report = inventory.reconcile_gate(fix=not dry_run, ticket_type_ids=ticket_types)
        drifted = 0
        for row in report:
            if row["drift"] == 0:
                continue
            drifted += 1
            redis_value = "missing" if row["redis"] is None else row["redis"]
            action = "reported" if dry_run else "fixed"
            self.stdout.write(
                f"ticket type {row['ticket_type_id']} (event {row['event_id']}): "
                f"database {row['database']} left, redis {redis_value} "
                f"(drift {row['drift'] if row['drift'] is not None else 'n/a'}) — {action}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Checked {len(report)} ticket type(s); {drifted} drifted"
                + (" (dry run)." if dry_run else ", all fixed.")
            )
        )
