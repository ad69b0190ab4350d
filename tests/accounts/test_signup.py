import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from tests.accounts.conftest import link_in_last_email, sign_in

pytestmark = pytest.mark.django_db

STRONG = "Jollof-Rice-2026!"


def register(client, email="new@example.ng", password=STRONG, password2=None):
    return client.post(
        "/auth/register",
        {"email": email, "password1": password, "password2": password2 or password},
    )


def test_register_page_uses_the_site_design(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Create your account" in html
    assert 'class="form"' in html and 'class="field' in html
    assert "js/password.js" in html and "css/accounts.css" in html
    assert 'autocomplete="new-password"' in html


def test_register_sends_a_verification_link_that_verifies_the_email(client):
    response = register(client)
    assert response.status_code == 302
    assert response["Location"] == "/auth/verify-email"
    assert "Verify your email" in client.get("/auth/verify-email").content.decode()
    user = User.objects.get(email="new@example.ng")
    assert user.password.startswith("md5$") or user.check_password(STRONG)
    assert len(mail.outbox) == 1
    link = link_in_last_email(r"http://testserver/auth/verify-email/\S+")
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my email" in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new@example.ng").verified


def test_cannot_sign_in_before_verifying(client):
    register(client)
    response = client.post("/auth/login", {"login": "new@example.ng", "password": STRONG})
    assert response.status_code == 302
    assert response["Location"] == "/auth/verify-email"
    assert "_auth_user_id" not in client.session


def test_duplicate_email_does_not_reveal_the_account_and_makes_no_second_user(client, buyer):
    response = register(client, email="ADA@example.ng")
    # Same answer as a fresh sign-up: nothing tells a stranger the address is registered.
    assert response.status_code == 302
    assert response["Location"] == "/auth/verify-email"
    assert User.objects.filter(email__iexact="ada@example.ng").count() == 1
    # The real owner is told by email instead.
    assert mail.outbox[-1].to == ["ada@example.ng"]
    assert "already" in mail.outbox[-1].body.lower()


def test_weak_password_is_refused_with_a_clear_message(client):
    response = register(client, password="password123")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(email="new@example.ng").exists()

    response = register(client, password="12345678901")
    assert "This password is entirely numeric." in response.content.decode()

    response = register(client, password="Ab1!")
    assert "too short" in response.content.decode()


def test_mismatched_passwords_are_refused(client):
    response = register(client, password=STRONG, password2=STRONG + "x")
    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()


def test_argon2_is_the_default_hasher():
    from django.conf import settings as django_settings
    from django.test import override_settings

    # The suite swaps in a fast hasher; production settings put Argon2 first.
    from getiickets import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        from django.contrib.auth.hashers import make_password

        assert make_password(STRONG).startswith("argon2$")
    assert django_settings.AUTH_USER_MODEL == "accounts.User"


def test_signed_in_user_visiting_register_is_sent_on(client, buyer):
    sign_in(client, buyer)
    response = client.get("/auth/register")
    assert response.status_code == 302
