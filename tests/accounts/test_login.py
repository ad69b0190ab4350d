import pytest

from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]


def test_sign_in_goes_through_after_login_to_home(client, buyer):
    response = sign_in(client, buyer)
    assert response.status_code == 302
    assert response["Location"] == "/auth/after-login"
    response = client.get(response["Location"])
    assert response["Location"] == "/"
    assert client.session["active_role"] == "buyer"


def test_sign_in_returns_to_next(client, buyer):
    response = client.post(
        "/auth/login?next=/profile", {"login": buyer.email, "password": PASSWORD}
    )
    assert response["Location"] == "/auth/after-login?next=%2Fprofile"
    assert client.get(response["Location"])["Location"] == "/profile"


def test_after_login_refuses_offsite_next(client, buyer):
    sign_in(client, buyer)
    response = client.get("/auth/after-login?next=https://evil.example.com/")
    assert response["Location"] == "/"


def test_user_with_both_roles_chooses_a_role(client, organizer_user):
    response = sign_in(client, organizer_user)
    response = client.get(response["Location"])
    assert response["Location"] == "/auth/select-role?next=%2F"
    page = client.get("/auth/select-role?next=/")
    assert page.status_code == 200
    assert "Continue as organizer" in page.content.decode()


def test_wrong_password_message_never_reveals_whether_the_email_exists(client, buyer):
    known = client.post("/auth/login", {"login": buyer.email, "password": "nope-nope-1"})
    unknown = client.post("/auth/login", {"login": "ghost@example.ng", "password": "nope-nope-1"})
    assert known.status_code == unknown.status_code == 200
    message = "That email and password don&#x27;t match."
    assert message in known.content.decode()
    assert message in unknown.content.decode()


def test_repeated_wrong_passwords_are_rate_limited(client, buyer):
    for _ in range(5):
        response = client.post("/auth/login", {"login": buyer.email, "password": "wrong-guess-1"})
        assert response.status_code == 200
    # Even the right password is refused while the limit holds.
    response = sign_in(client, buyer)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_rate_limit_applies_per_address_for_unknown_emails_too(client):
    for _ in range(5):
        client.post("/auth/login", {"login": "ghost@example.ng", "password": "wrong-guess-1"})
    response = client.post("/auth/login", {"login": "ghost@example.ng", "password": "x-y-z-123"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_sign_in_page_is_restyled(client):
    response = client.get("/auth/login")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sign in" in html and 'class="form"' in html
    assert "Remember" not in html
    assert 'href="/auth/forgot-password"' in html and 'href="/auth/register"' in html


def test_old_allauth_addresses_redirect_to_the_new_ones(client):
    assert client.get("/auth/login/?next=/profile")["Location"] == "/auth/login?next=/profile"
    assert client.get("/auth/signup/")["Location"] == "/auth/register"


def test_sign_out_is_a_post(client, buyer):
    sign_in(client, buyer)
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
