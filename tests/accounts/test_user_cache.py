"""Who is signed in is cached between requests (accounts.user_cache): a signed-in page does
not query the user table, and every change that matters to sign-in or to the header is seen
on the very next request."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import user_cache
from accounts.backends import AuthenticationBackend
from accounts.guests import step_aside
from accounts.models import TeamMember, TeamRole, User
from tests.factories import PASSWORD, OrganizerFactory, UserFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db

NEW = "another-horse-battery-7"
SELL_LINK = 'href="/organizer/signup" class="nav-link"'


def signed_in(client) -> bool:
    """A page only a signed-in user sees, through the whole stack."""
    return client.get("/profile").status_code == 200


def user_queries(client, path="/events"):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response, [q["sql"] for q in captured if 'FROM "accounts_user"' in q["sql"]]


@pytest.fixture
def signed_in_buyer(client, buyer):
    assert sign_in(client, buyer).status_code == 302
    assert signed_in(client)  # the copy is made
    return client


def test_the_next_signed_in_page_reads_no_user_row(signed_in_buyer):
    response, queries = user_queries(signed_in_buyer)
    assert queries == []
    assert SELL_LINK in response.text


def test_a_deactivated_user_is_signed_out_on_the_next_request(signed_in_buyer, buyer):
    buyer.is_active = False
    buyer.save()
    assert not signed_in(signed_in_buyer)


def test_a_deleted_user_is_signed_out_on_the_next_request(signed_in_buyer, buyer):
    buyer.delete()
    assert not signed_in(signed_in_buyer)


def test_a_user_made_a_guest_is_signed_out_on_the_next_request(signed_in_buyer, buyer):
    buyer.is_guest = True
    buyer.save()
    assert not signed_in(signed_in_buyer)


def test_a_password_change_signs_out_the_other_sessions_at_once(signed_in_buyer, buyer):
    elsewhere = Client()
    assert sign_in(elsewhere, buyer).status_code == 302
    assert signed_in(elsewhere)

    changed = signed_in_buyer.post(
        "/auth/password/change", {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW}
    )
    assert changed.status_code == 302
    assert signed_in(signed_in_buyer)  # the session that changed it stays signed in
    assert not signed_in(elsewhere)


def test_a_password_set_in_code_signs_everyone_out(signed_in_buyer, buyer):
    buyer.set_password(NEW)
    buyer.save()
    assert not signed_in(signed_in_buyer)


def test_a_copy_read_before_a_change_committed_is_never_used(signed_in_buyer, buyer):
    """A request read the row just before a deactivation committed, and stored it after."""
    backend = AuthenticationBackend()
    user_cache.forget(buyer.pk)

    def load_then_deactivate():
        old = backend._load(buyer.pk)
        User.objects.filter(pk=buyer.pk).update(is_active=False)
        user_cache.forget(buyer.pk)  # what the change's signal does as it commits
        return old

    assert user_cache.get(buyer.pk, load_then_deactivate).is_active  # that request's answer
    assert not signed_in(signed_in_buyer)


def test_becoming_an_organizer_and_being_deactivated_show_in_the_header(signed_in_buyer, buyer):
    organizer = OrganizerFactory(user=buyer)
    assert SELL_LINK not in signed_in_buyer.get("/events").text
    organizer.is_active = False
    organizer.save()
    assert SELL_LINK in signed_in_buyer.get("/events").text


def test_joining_and_leaving_a_team_show_in_the_header(signed_in_buyer, buyer):
    organizer = OrganizerFactory()
    member = TeamMember.objects.create(organizer=organizer, user=buyer, role=TeamRole.MANAGER)
    assert SELL_LINK not in signed_in_buyer.get("/events").text

    organizer.is_active = False
    organizer.save()  # the team's organizer is deactivated: its members are told too
    assert SELL_LINK in signed_in_buyer.get("/events").text

    organizer.is_active = True
    organizer.save()
    assert SELL_LINK not in signed_in_buyer.get("/events").text
    member.delete()
    assert SELL_LINK in signed_in_buyer.get("/events").text


def test_a_name_change_shows_on_the_next_page(signed_in_buyer, buyer):
    buyer.full_name = "Chiamaka Eze"
    buyer.save()
    assert "Chiamaka Eze" in signed_in_buyer.get("/profile").text


def test_a_guest_giving_up_its_email_is_read_again(buyer):
    guest = UserFactory(email="guest@example.ng", is_guest=True)
    backend = AuthenticationBackend()
    user_cache.get(guest.pk, lambda: backend._load(guest.pk))  # a copy exists
    step_aside("guest@example.ng")
    copy = user_cache.get(guest.pk, lambda: backend._load(guest.pk))
    assert copy.email == f"guest-{guest.pk}@guests.invalid"
