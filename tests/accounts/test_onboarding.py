import pytest

from accounts.models import User
from tests.accounts.conftest import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


def test_checkout_asks_for_the_buyer_profile_once_and_returns(client):
    user = UserFactory(full_name="", phone="")
    sign_in(client, user)
    response = client.get("/test/checkout?event=afro-night")
    assert response.status_code == 302
    assert response["Location"] == "/onboarding/buyer?next=%2Ftest%2Fcheckout%3Fevent%3Dafro-night"
    page = client.get(response["Location"])
    assert "Complete your profile" in page.content.decode()
    response = client.post(
        "/onboarding/buyer",
        {
            "full_name": "  Ngozi   Eze ",
            "phone": "0803 123 4567",
            "next": "/test/checkout?event=afro-night",
        },
    )
    assert response["Location"] == "/test/checkout?event=afro-night"
    user.refresh_from_db()
    assert user.full_name == "Ngozi Eze"
    assert str(user.phone) == "+2348031234567"
    assert client.get("/test/checkout").content.decode() == "Checkout for Ngozi Eze"


def test_checkout_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/test/checkout")
    assert response["Location"] == "/auth/login?next=/test/checkout"


def test_buyer_profile_refuses_bad_phone(client):
    user = UserFactory(full_name="", phone="")
    sign_in(client, user)
    response = client.post("/onboarding/buyer", {"full_name": "Ngozi Eze", "phone": "abc"})
    assert response.status_code == 400
    assert "Enter a valid phone number" in response.content.decode()
    assert User.objects.get(pk=user.pk).full_name == ""


def test_buyer_profile_refuses_offsite_next(client):
    user = UserFactory(full_name="", phone="")
    sign_in(client, user)
    response = client.post(
        "/onboarding/buyer",
        {"full_name": "Ngozi Eze", "phone": "08031234567", "next": "https://evil.example"},
    )
    assert response["Location"] == "/"


BUSINESS = {
    "business_name": "Lagos Beats Ltd",
    "business_address": "1 Broad St, Lagos Island",
    "contact_phone": "08099990000",
    "city": "Lagos",
}


def organizer_session(client, user):
    sign_in(client, user)
    client.post("/auth/select-role", {"role": "organizer"})


def test_organizer_completes_business_details_and_is_told_where_payouts_go(client, organizer_user):
    organizer = organizer_user.organizer
    organizer.business_name = ""
    organizer.save()
    assert not organizer.profile_complete
    organizer_session(client, organizer_user)
    page = client.get("/onboarding/organizer")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Needed before you publish" in html
    # No bank fields here: payouts go to the account verified on the Money page.
    assert 'name="bank' not in html and "Account number" not in html
    assert "add and verify a bank account on the" in html and 'href="/organizer/money"' in html
    assert "You don't need one to publish" in html
    response = client.post("/onboarding/organizer", BUSINESS)
    assert response.status_code == 302
    organizer.refresh_from_db()
    assert organizer.profile_complete
    assert (organizer.business_name, str(organizer.contact_phone)) == (
        "Lagos Beats Ltd",
        "+2348099990000",
    )


@pytest.mark.parametrize("missing", ["business_name", "business_address", "contact_phone"])
def test_the_business_details_publishing_needs(organizer_user, missing):
    organizer = organizer_user.organizer
    setattr(organizer, missing, "")
    assert not organizer.profile_complete


def test_organizer_details_are_all_required(client, organizer_user):
    organizer_session(client, organizer_user)
    response = client.post("/onboarding/organizer", {})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 3
