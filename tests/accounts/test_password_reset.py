from datetime import timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail

from accounts.models import User
from tests.accounts.conftest import link_in_last_email, sign_in

pytestmark = pytest.mark.django_db

NEW = "Suya-And-Zobo-77"


def request_reset(client, email):
    return client.post("/auth/forgot-password", {"email": email})


def test_reset_password_without_a_key_goes_to_forgot_password(client):
    response = client.get("/auth/reset-password")
    assert response.status_code == 302
    assert response["Location"] == "/auth/forgot-password"
    assert "Forgot your password?" in client.get("/auth/forgot-password").content.decode()


def test_full_reset_then_the_link_cannot_be_reused(client, buyer):
    response = request_reset(client, buyer.email)
    assert response["Location"] == "/auth/forgot-password/sent"
    assert "Check your email" in client.get("/auth/forgot-password/sent").content.decode()
    link = link_in_last_email(r"http://testserver/auth/reset-password/\S+")

    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW, "password2": NEW})
    assert response["Location"] == "/auth/reset-password/done"
    buyer.refresh_from_db()
    assert buyer.check_password(NEW)

    reused = client.get(link, follow=True)
    assert reused.status_code == 200
    html = reused.content.decode()
    assert "This reset link has expired or was already used" in html
    assert "Choose a new password" not in html


def test_expired_reset_link_is_refused_with_a_clear_message(client, buyer, monkeypatch):
    request_reset(client, buyer.email)
    link = link_in_last_email(r"http://testserver/auth/reset-password/\S+")
    real_now = PasswordResetTokenGenerator._now
    monkeypatch.setattr(
        PasswordResetTokenGenerator, "_now", lambda self: real_now(self) + timedelta(days=4)
    )
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert "This reset link has expired or was already used" in page.content.decode()
    assert "Choose a new password" not in page.content.decode()
    buyer.refresh_from_db()
    assert not buyer.check_password(NEW)


def test_unknown_email_gets_the_same_answer(client, db):
    response = request_reset(client, "ghost@example.ng")
    assert response.status_code == 302
    assert response["Location"] == "/auth/forgot-password/sent"
    # allauth tells the address owner that no account exists; nothing reveals it on the page.
    assert len(mail.outbox) == 1 and "/auth/reset-password/" not in mail.outbox[0].body


def test_weak_new_password_is_refused(client, buyer):
    request_reset(client, buyer.email)
    link = link_in_last_email(r"http://testserver/auth/reset-password/\S+")
    page = client.get(link, follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"password1": "password1", "password2": "password1"}
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()


def test_change_password_page_is_restyled_and_works(client, buyer):
    sign_in(client, buyer)
    page = client.get("/auth/password/change")
    assert page.status_code == 200
    assert 'class="form"' in page.content.decode()
    from tests.factories import PASSWORD

    response = client.post(
        "/auth/password/change",
        {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=buyer.pk).check_password(NEW)
