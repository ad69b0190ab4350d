import pytest
from django.core import mail

from accounts import services
from accounts.models import OrganizerRequest
from events.models import Organizer
from tests.accounts.conftest import sign_in
from tests.factories import OrganizerFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "organization_name": "Eko Live Entertainment",
    "contact_phone": "08031234567",
    "city": "Lagos",
    "description": "Concerts and comedy nights in Lagos since 2015.",
    "website": "ekolive.example.ng",
    "instagram": "@ekoliveng",
    "twitter": "",
}


def test_signup_page_needs_sign_in(client):
    response = client.get("/organizer/signup")
    assert response["Location"] == "/auth/login?next=/organizer/signup"


def test_buyer_requests_organizer_access(client, buyer):
    sign_in(client, buyer)
    page = client.get("/organizer/signup")
    assert page.status_code == 200
    assert "Sell tickets on getiickets" in page.content.decode()
    response = client.post("/organizer/signup", VALID)
    assert response.status_code == 302
    req = OrganizerRequest.objects.get(user=buyer)
    assert req.status == "pending"
    assert str(req.contact_phone) == "+2348031234567"  # Nigerian local form accepted
    assert req.instagram == "ekoliveng"
    assert req.website == "https://ekolive.example.ng"
    page = client.get("/organizer/signup").content.decode()
    assert "is being reviewed" in page
    assert "Request sent." in page


@pytest.mark.parametrize("phone", ["12345", "not a phone", "+234123", "0803123456789"])
def test_bad_phone_is_refused_with_a_clear_message(client, buyer, phone):
    sign_in(client, buyer)
    response = client.post("/organizer/signup", {**VALID, "contact_phone": phone})
    assert response.status_code == 400
    assert "Enter a valid phone number: a Nigerian number like 0803 123 4567" in (
        response.content.decode()
    )
    assert not OrganizerRequest.objects.exists()


def test_e164_phone_from_abroad_is_accepted(client, buyer):
    sign_in(client, buyer)
    client.post("/organizer/signup", {**VALID, "contact_phone": "+44 20 7946 0958"})
    assert str(OrganizerRequest.objects.get().contact_phone) == "+442079460958"


def test_missing_fields_are_explained(client, buyer):
    sign_in(client, buyer)
    response = client.post("/organizer/signup", {"organization_name": ""})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") >= 4


def test_only_one_pending_request_at_a_time(client, buyer):
    sign_in(client, buyer)
    client.post("/organizer/signup", VALID)
    response = client.post("/organizer/signup", {**VALID, "organization_name": "Second"})
    assert response.status_code == 409
    assert OrganizerRequest.objects.filter(user=buyer).count() == 1
    with pytest.raises(services.RequestAlreadyPending):
        services.request_organizer_access(
            user=buyer, **{**VALID, "contact_phone": "+2348031234567"}
        )


def test_an_organizer_cannot_request_again(client, organizer_user):
    sign_in(client, organizer_user)
    page = client.get("/organizer/signup").content.decode()
    assert "already has organizer access" in page
    with pytest.raises(services.AlreadyOrganizer):
        services.request_organizer_access(
            user=organizer_user, **{**VALID, "contact_phone": "+2348031234567"}
        )


def make_request(user, name="Eko Live Entertainment"):
    return services.request_organizer_access(
        user=user,
        organization_name=name,
        contact_phone="+2348031234567",
        city="Lagos",
        description="Shows.",
    )


def test_staff_approve_in_the_admin(client, buyer, django_capture_on_commit_callbacks):
    req = make_request(buyer)
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    changelist = client.get("/admin/accounts/organizerrequest/")
    assert "Approve selected requests" in changelist.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/accounts/organizerrequest/",
            {"action": "approve", "_selected_action": [req.pk]},
            follow=True,
        )
    assert "Approved 1 request" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == staff and req.decided_at
    organizer = Organizer.objects.get(user=buyer)
    assert organizer.name == "Eko Live Entertainment"
    assert organizer.slug == "eko-live-entertainment"
    assert str(organizer.contact_phone) == "+2348031234567"
    assert not organizer.profile_complete
    buyer.refresh_from_db()
    assert buyer.is_organizer
    [email] = mail.outbox
    assert email.to == [buyer.email]
    assert "approved" in email.subject
    assert "/onboarding/organizer" in email.body


def test_staff_reject_in_the_admin(client, buyer, django_capture_on_commit_callbacks):
    req = make_request(buyer)
    req.decision_note = "We couldn't verify your past events."
    req.save()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/accounts/organizerrequest/",
            {"action": "reject", "_selected_action": [req.pk]},
            follow=True,
        )
    assert "Rejected 1 request" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "rejected"
    assert not Organizer.objects.filter(user=buyer).exists()
    [email] = mail.outbox
    assert email.to == [buyer.email]
    assert "couldn't verify your past events" in email.body
    # A rejected buyer may try again, and sees why the last one failed.
    client.force_login(buyer)
    page = client.get("/organizer/signup").content.decode()
    assert "wasn't approved" in page and 'name="organization_name"' in page


def test_deciding_twice_is_refused(client, buyer):
    req = make_request(buyer)
    services.approve_organizer_request(organizer_request=req, decided_by=None)
    with pytest.raises(services.RequestAlreadyDecided):
        services.reject_organizer_request(organizer_request=req, decided_by=None)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/accounts/organizerrequest/",
        {"action": "approve", "_selected_action": [req.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "already approved" in response.content.decode()
    assert Organizer.objects.filter(user=buyer).count() == 1


def test_organizer_slugs_stay_unique(db):
    OrganizerFactory(name="Eko Live", slug="eko-live")
    OrganizerFactory(name="Eko Live 2", slug="eko-live-2")
    user = UserFactory()
    organizer = services.approve_organizer_request(
        organizer_request=make_request(user, "Eko Live"), decided_by=None
    )
    assert organizer.slug == "eko-live-3"


def test_reapproval_reactivates_a_deactivated_organizer(db):
    organizer = OrganizerFactory(is_active=False)
    user = organizer.user
    assert not user.is_organizer
    approved = services.approve_organizer_request(
        organizer_request=make_request(user, "New Name"), decided_by=None
    )
    assert approved.pk == organizer.pk and approved.is_active and approved.name == "New Name"
