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


PAYOUT = {
    "business_name": "Lagos Beats Ltd",
    "business_address": "1 Broad St, Lagos Island",
    "contact_phone": "08099990000",
    "city": "Lagos",
    "bank_name": "Zenith Bank",
    "bank_account_number": "0123 456 789",
    "bank_account_name": "Lagos Beats Ltd",
}


def organizer_session(client, user):
    sign_in(client, user)
    client.post("/auth/select-role", {"role": "organizer"})


def test_organizer_completes_business_and_payout_details(client, organizer_user):
    organizer = organizer_user.organizer
    for field in ("business_name", "bank_name", "bank_account_number", "bank_account_name"):
        setattr(organizer, field, "")
    organizer.save()
    assert not organizer.profile_complete
    organizer_session(client, organizer_user)
    page = client.get("/onboarding/organizer")
    assert page.status_code == 200
    assert "Needed before you publish" in page.content.decode()
    response = client.post("/onboarding/organizer", PAYOUT)
    assert response.status_code == 302
    organizer.refresh_from_db()
    assert organizer.profile_complete
    assert organizer.bank_account_number == "0123456789"
    assert str(organizer.contact_phone) == "+2348099990000"


@pytest.mark.parametrize("number", ["12345", "01234567890", "01234abcde"])
def test_nuban_must_be_10_digits(client, organizer_user, number):
    organizer_session(client, organizer_user)
    response = client.post("/onboarding/organizer", {**PAYOUT, "bank_account_number": number})
    assert response.status_code == 400
    assert "Enter your 10-digit NUBAN account number" in response.content.decode()
    organizer_user.organizer.refresh_from_db()
    assert organizer_user.organizer.bank_account_number == "0123456789"


def test_organizer_details_are_all_required(client, organizer_user):
    organizer_session(client, organizer_user)
    response = client.post("/onboarding/organizer", {})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") >= 5
