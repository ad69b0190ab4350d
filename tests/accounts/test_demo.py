import pytest

from accounts.models import OrganizerRequest, User
from getiickets.demo import seed_all

pytestmark = pytest.mark.django_db


def test_demo_organizer_is_approved_with_a_complete_profile():
    seed_all()
    seed_all()  # idempotent
    user = User.objects.get(email="organizer@demo.getiickets.ng")
    assert user.is_organizer
    assert user.organizer.name == "Eko Live Entertainment"
    assert user.organizer.profile_complete
    assert OrganizerRequest.objects.filter(user=user, status="approved").count() == 1
