"""Staff sign in through the throttled sign-in; sign-up does the same work whether or not
the email has an account (issue 17 item 4)."""

import pytest
from celery.signals import before_task_publish, task_prerun
from django.core import mail

from accounts.models import User
from tests.accounts.conftest import sign_in
from tests.accounts.counting_hasher import CountingHasher
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]

STRONG = "Jollof-Rice-2026!"


@pytest.fixture
def staff(db):
    return UserFactory(email="ops@getiickets.ng", is_staff=True, is_superuser=True)


def test_admin_login_signs_no_one_in_and_sends_staff_to_the_site_sign_in(client, staff):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/auth/login?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still signed out


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_staff_in(client, staff):
    for attempt in range(30):
        wrong = {"username": staff.email, "password": f"wrong-password-{attempt}"}
        client.post("/admin/login/", wrong, follow=True)  # the admin's form, then the site's
        sign_in(client, staff, password=f"wrong-password-{attempt}")

    at_admin = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    response = sign_in(client, staff)

    assert at_admin.status_code == 302 and "_auth_user_id" not in client.session
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()  # templates/429.html
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/", follow=False).status_code == 302


def test_staff_signed_in_on_the_site_reach_the_admin(client, staff):
    response = client.post("/auth/login?next=/admin/", {"login": staff.email, "password": PASSWORD})
    response = client.get(response["Location"])

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"


def test_a_signed_in_buyer_is_told_the_admin_is_for_staff(client):
    client.force_login(UserFactory())

    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 403
    assert "no staff access" in response.content.decode()


@pytest.fixture
def work(settings):
    """Counts what a sign-up does: passwords hashed and emails queued (as tasks)."""
    settings.PASSWORD_HASHERS = ["tests.accounts.counting_hasher.CountingHasher"]
    counted = {"queued": []}

    def on_task(sender=None, **kwargs):
        counted["queued"].append(getattr(sender, "name", sender))

    # Eager Celery runs the task in process (task_prerun); a broker would publish it.
    task_prerun.connect(on_task)
    before_task_publish.connect(on_task)

    def measure(action):
        CountingHasher.hashed = 0
        counted["queued"].clear()
        mail.outbox.clear()
        action()
        return {
            "hashes": CountingHasher.hashed,
            "queued": list(counted["queued"]),
            "emails": len(mail.outbox),
        }

    yield measure
    task_prerun.disconnect(on_task)
    before_task_publish.disconnect(on_task)


def _register(client, email):
    response = client.post(
        "/auth/register", {"email": email, "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 302 and response["Location"] == "/auth/verify-email"


def test_sign_up_does_the_same_work_for_a_taken_email_as_for_a_new_one(client, work):
    UserFactory(email="taken@example.ng")

    new = work(lambda: _register(client, "fresh@example.ng"))
    taken = work(lambda: _register(client.__class__(), "taken@example.ng"))

    assert new["hashes"] == taken["hashes"] == 1
    assert new["queued"] == taken["queued"] == ["accounts.tasks.send_account_email"]
    assert new["emails"] == taken["emails"] == 1
    assert User.objects.filter(email="taken@example.ng").count() == 1
    assert "already" in mail.outbox[-1].body.lower()
