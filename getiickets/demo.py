"""Demo content for `manage.py seed_demo`. Idempotent: every row is looked up before it is made.

SEEDERS lists every app's seeding function in order; the command runs them all.
"""

from django.db import transaction
from django.utils.module_loading import import_string

DEMO_PASSWORD = "demo-pass-2026"


def seed_users():
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from tickets.demo import SOLD_OUT_SALES

    people = [
        ("admin@demo.getiickets.ng", "Ada Staff", True),
        ("buyer@demo.getiickets.ng", "Chidi Okafor", False),
        ("organizer@demo.getiickets.ng", "Funke Adeyemi", False),
    ] + [(email, name, False) for email, name, _ in SOLD_OUT_SALES]
    password = None  # hashed once: the demo accounts share it, and hashing is slow on purpose
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
            password = password or make_password(DEMO_PASSWORD)
            user.password = password
            user.save(update_fields=["password"])
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
    "tickets.demo.seed_sold_out_event",
    "tickets.demo.seed_fulfilled_order",
    "payments.demo.seed_ledger",
]


def seed_all(stdout=None):
    with transaction.atomic():
        for path in SEEDERS:
            import_string(path)()
    if stdout:
        stdout.write(summary())


def summary() -> str:
    """What the demo holds, in a few lines (the seed prints this, never the emails)."""
    from events.models import Event, TicketType
    from orders.models import Order
    from tickets.models import Ticket

    events = Event.objects.all()
    published = events.filter(status=Event.Status.PUBLISHED).count()
    return "\n".join(
        [
            f"Demo data: {events.count()} events ({published} published), "
            f"{TicketType.objects.count()} ticket types, "
            f"{Order.objects.filter(status=Order.Status.PAID).count()} paid orders, "
            f"{Ticket.objects.count()} tickets issued.",
            "No email or SMS was sent for the demo orders.",
        ]
    )
