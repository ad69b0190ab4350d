"""Demo data for accounts: organizer@demo.getiickets.ng is an approved organizer
("Eko Live Entertainment") with complete business and payout details. Idempotent."""

from accounts import services
from accounts.models import OrganizerRequest, User

DEMO_ORGANIZER_EMAIL = "organizer@demo.getiickets.ng"
DEMO_ORGANIZER_NAME = "Eko Live Entertainment"


def seed_demo_organizer():
    user = User.objects.get(email=DEMO_ORGANIZER_EMAIL)  # made by getiickets.demo.seed_users
    if not user.is_organizer:
        request = user.organizer_requests.filter(
            status=OrganizerRequest.Status.PENDING
        ).first() or services.request_organizer_access(
            user=user,
            organization_name=DEMO_ORGANIZER_NAME,
            contact_phone="+2348031234567",
            city="Lagos",
            description="Concerts, comedy nights and festivals across Lagos since 2015.",
            website="https://ekolive.example.ng",
            instagram="ekoliveng",
            twitter="ekoliveng",
        )
        staff = User.objects.filter(is_staff=True).order_by("pk").first()
        services.approve_organizer_request(
            organizer_request=request, decided_by=staff, note="Demo organizer.", notify=False
        )
        user.refresh_from_db()
    if not user.organizer.profile_complete:
        services.complete_organizer_profile(
            user=user,
            business_name="Eko Live Entertainment Ltd",
            business_address="12 Admiralty Way, Lekki Phase 1, Lagos",
        )
