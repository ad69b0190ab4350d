from django.core.management.base import BaseCommand

from getiickets.demo import seed_all


class Command(BaseCommand):
    help = "Seed realistic demo content (idempotent: safe to run again)."

    def handle(self, *args, **options):
        seed_all(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
