import pytest
from allauth.account.models import EmailAddress

from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_profile_shows_details_and_verified_emails(client, buyer):
    EmailAddress.objects.create(user=buyer, email="ada.work@example.ng", verified=False)
    sign_in(client, buyer)
    page = client.get("/profile")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Ada Obi"' in html
    assert "ada@example.ng" in html and "Verified" in html
    assert "ada.work@example.ng" in html and "Not verified" in html
    assert 'href="/auth/password/change"' in html and 'href="/auth/email"' in html
    assert "Request organizer access" in html


def test_dashboard_profile_is_the_same_page(client, buyer):
    sign_in(client, buyer)
    assert client.get("/dashboard/profile")["Location"] == "/profile"


def test_edit_name_and_phone(client, buyer):
    sign_in(client, buyer)
    response = client.post("/profile", {"full_name": "Ada Obi-Nwosu", "phone": "0902 222 3333"})
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.full_name == "Ada Obi-Nwosu"
    assert str(buyer.phone) == "+2349022223333"
    assert "Your profile is saved." in client.get("/profile").content.decode()


def test_profile_refuses_junk_phone(client, buyer):
    sign_in(client, buyer)
    response = client.post("/profile", {"full_name": "Ada", "phone": "call me"})
    assert response.status_code == 400
    assert "Enter a valid phone number" in response.content.decode()


def test_email_page_is_restyled(client, buyer):
    sign_in(client, buyer)
    page = client.get("/auth/email")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="form"' in html and "css/accounts.css" in html
    assert "ada@example.ng" in html and "Verified" in html


def test_change_email_sends_a_new_verification(client, buyer):
    from django.core import mail

    sign_in(client, buyer)
    response = client.post("/auth/email", {"action_add": "", "email": "ada.new@example.ng"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["ada.new@example.ng"]
    assert "/auth/verify-email/" in mail.outbox[-1].body
    assert not EmailAddress.objects.get(email="ada.new@example.ng").verified
    page = client.get("/auth/email").content.decode()
    assert "We sent a verification link to <strong>ada.new@example.ng</strong>" in page
    assert "Waiting for verification" in page


def test_profile_needs_sign_in(client):
    assert client.get("/profile")["Location"] == "/auth/login?next=/profile"
