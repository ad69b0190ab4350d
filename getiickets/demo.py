"""Demo content for `manage.py seed_demo`. Idempotent: every row is looked up before it is made.

SEEDERS lists every app's seeding function in order; the command runs them all.
"""

from django.db import transaction
from django.utils.module_loading import import_string

DEMO_PASSWORD = "demo-pass-2026"


def seed_users():
    from allauth.account.models import EmailAddress

    from accounts.models import User

    people = [
        ("admin@demo.getiickets.ng", "Ada Staff", True),
        ("buyer@demo.getiickets.ng", "Chidi Okafor", False),
        ("organizer@demo.getiickets.ng", "Funke Adeyemi", False),
    ]
    for email, name, staff in people:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": name,
                "phone": "+2348031234567",
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )


# In order: each app keeps its own seeder in <app>/demo.py.
SEEDERS = [
    "getiickets.demo.seed_users",
    "accounts.demo.seed_demo_organizer",
    "events.demo.seed_events",
    "orders.demo.seed_promo_codes",
    "organizer.demo.seed_operations",
    "tickets.demo.seed_fulfilled_order",
]


@transaction.atomic
def seed_all(stdout=None):
    for path in SEEDERS:
        import_string(path)()
        if stdout:
            stdout.write(f"seeded: {path}")
