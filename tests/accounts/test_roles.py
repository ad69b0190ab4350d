from datetime import timedelta

import pytest
import redis
from django.conf import settings

from tests.accounts.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]

TWO_HOURS = 2 * 3600
EIGHT_HOURS = 8 * 3600
GRACE = 3600  # the session outlives its deadline by an hour, to say why it ended


def as_organizer(client, user):
    sign_in(client, user)
    response = client.post("/auth/select-role", {"role": "organizer", "next": "/"})
    assert response.status_code == 302
    return response


def test_anonymous_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/test/organizer-only?tab=sales")
    assert response.status_code == 302
    assert response["Location"] == "/auth/login?next=/test/organizer-only%3Ftab%3Dsales"
    response = client.get("/onboarding/organizer")
    assert response["Location"] == "/auth/login?next=/onboarding/organizer"


def test_buyer_gets_403_with_a_way_to_request_access(client, buyer):
    sign_in(client, buyer)
    for url in ("/test/organizer-only", "/onboarding/organizer"):
        response = client.get(url)
        assert response.status_code == 403
        html = response.content.decode()
        assert "This page is for organizers" in html
        assert 'href="/organizer/signup"' in html


def test_organizer_in_buyer_mode_gets_403_with_a_switch_button(client, organizer_user):
    sign_in(client, organizer_user)
    client.post("/auth/select-role", {"role": "buyer"})
    response = client.get("/test/organizer-only")
    assert response.status_code == 403
    assert "Switch to organizing" in response.content.decode()
    response = client.post(
        "/auth/switch-role", {"role": "organizer", "next": "/test/organizer-only"}
    )
    assert response["Location"] == "/test/organizer-only"
    assert client.get("/test/organizer-only").content.decode() == "Organizer page for Lagos Beats"


def test_class_based_views_use_the_same_rule(client, buyer, organizer_user):
    assert client.get("/test/organizer-view")["Location"].startswith("/auth/login?next=")
    sign_in(client, buyer)
    assert client.get("/test/organizer-view").status_code == 403
    client.post("/auth/logout")
    as_organizer(client, organizer_user)
    assert client.get("/test/organizer-view").status_code == 200


def test_select_role_as_organizer_opens_the_dashboard(client, organizer_user):
    response = as_organizer(client, organizer_user)
    assert response["Location"] == "/organizer/dashboard"
    assert client.session["active_role"] == "organizer"
    assert client.get("/test/organizer-only").status_code == 200


def test_organizer_with_incomplete_business_details_is_sent_to_onboarding(client, organizer_user):
    organizer_user.organizer.business_address = ""
    organizer_user.organizer.save()
    response = as_organizer(client, organizer_user)
    assert response["Location"] == "/onboarding/organizer"


def test_buyer_cannot_pick_the_organizer_role(client, buyer):
    sign_in(client, buyer)
    response = client.post("/auth/switch-role", {"role": "organizer"})
    assert response.status_code == 302
    assert client.session.get("active_role") == "buyer"
    page = client.get(response["Location"])
    assert "doesn&#x27;t have organizer access" in page.content.decode()
    # select-role has nothing to choose for a buyer-only account.
    assert client.get("/auth/select-role?next=/profile")["Location"] == "/profile"


def test_switching_role_needs_post(client, organizer_user):
    sign_in(client, organizer_user)
    assert client.get("/auth/switch-role?role=organizer").status_code == 405


def test_switch_role_rejects_an_unknown_role(client, organizer_user):
    sign_in(client, organizer_user)
    response = client.post("/auth/switch-role", {"role": "admin"})
    assert response.status_code == 302
    assert client.session["active_role"] == "buyer"


def test_role_switcher_shows_only_for_users_with_both_roles(client, buyer, organizer_user):
    sign_in(client, buyer)
    assert "Switch to organizing" not in client.get("/").content.decode()
    client.post("/auth/logout")
    as_organizer(client, organizer_user)
    html = client.get("/").content.decode()
    assert "Organizing" in html and "Switch to buying" in html
    assert 'name="csrfmiddlewaretoken"' in html
    response = client.post("/auth/switch-role", {"role": "buyer", "next": "/organizer/events"})
    assert response["Location"] == "/"  # organizer pages would only answer 403
    assert client.session["active_role"] == "buyer"
    assert "Switch to organizing" in client.get("/").content.decode()


def test_session_lasts_8_hours_as_buyer_and_2_hours_as_organizer(client, organizer_user):
    sign_in(client, organizer_user)
    assert client.session.get_expiry_age() == EIGHT_HOURS + GRACE
    client.post("/auth/select-role", {"role": "organizer"})
    assert client.session.get_expiry_age() == TWO_HOURS + GRACE
    client.post("/auth/switch-role", {"role": "buyer"})
    assert client.session.get_expiry_age() == EIGHT_HOURS + GRACE


def test_organizer_session_ends_after_2_hours(client, organizer_user, travel):
    as_organizer(client, organizer_user)
    travel(timedelta(hours=1, minutes=59))
    assert client.get("/test/organizer-only").status_code == 200
    travel(timedelta(hours=2, minutes=1))
    response = client.get("/test/organizer-only")
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login?next=")
    page = client.get(response["Location"])
    assert "signed out after 2 hours" in page.content.decode()


def test_buyer_session_ends_after_8_hours(client, buyer, travel):
    sign_in(client, buyer)
    travel(timedelta(hours=7, minutes=59))
    assert client.get("/profile").status_code == 200
    travel(timedelta(hours=8, minutes=1))
    response = client.get("/profile")
    assert response.status_code == 302
    assert response["Location"] == "/auth/login?next=/profile"
    assert "signed out after 8 hours" in client.get(response["Location"]).content.decode()


def test_admin_sign_in_also_gets_a_role_deadline(client, travel):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/profile").status_code == 200
    assert client.session.get_expiry_age() == EIGHT_HOURS + GRACE
    travel(timedelta(hours=9))
    assert client.get("/profile").status_code == 302


@pytest.mark.needs_services
def test_sessions_live_in_the_database_cached_in_redis_with_the_role_lifetime(
    client, organizer_user
):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    as_organizer(client, organizer_user)
    session_key = client.session.session_key
    stored = Session.objects.get(session_key=session_key)
    left = (stored.expire_date - timezone.now()).total_seconds()
    assert TWO_HOURS + GRACE - 60 <= left <= TWO_HOURS + GRACE
    r = redis.Redis.from_url(settings.REDIS_URL)
    keys = [k for k in r.keys("*") if b"django.contrib.sessions.cached_db" in k]
    [key] = [k for k in keys if k.decode().endswith(session_key)]
    assert TWO_HOURS + GRACE - 60 <= r.ttl(key) <= TWO_HOURS + GRACE
