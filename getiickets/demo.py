"""Demo content for `manage.py seed_demo`. Idempotent: every row is looked up before it is made.

Each app adds its own seeding function to SEEDERS (in order); the command runs them all.
"""

from django.db import transaction

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


SEEDERS = [seed_users]


@transaction.atomic
def seed_all(stdout=None):
    for seeder in SEEDERS:
        seeder()
        if stdout:
            stdout.write(f"seeded: {seeder.__name__}")


def _seed_promo_codes():
    from orders.demo import seed_promo_codes

    seed_promo_codes()


_seed_promo_codes.__name__ = "seed_promo_codes"
SEEDERS.append(_seed_promo_codes)
