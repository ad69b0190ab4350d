"""Demo promo codes for the demo organizer (appended to getiickets.demo.SEEDERS)."""


def seed_promo_codes():
    from accounts.models import User
    from orders.models import PromoCode

    user = User.objects.filter(email="organizer@demo.getiickets.ng").first()
    organizer = getattr(user, "organizer", None) if user else None
    if organizer is None:
        return
    PromoCode.objects.get_or_create(
        organizer=organizer,
        code="NAIJA10",
        defaults={"kind": PromoCode.Kind.PERCENT, "value": 1_000, "max_uses": 500},
    )
    PromoCode.objects.get_or_create(
        organizer=organizer,
        code="EARLYBIRD",
        defaults={
            "kind": PromoCode.Kind.FIXED,
            "value": 200_000,
            "max_uses": 100,
            "max_uses_per_buyer": 1,
        },
    )
