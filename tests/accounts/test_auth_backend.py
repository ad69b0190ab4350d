"""Signed-in pages load the user and whether they organize in one query, and sessions
signed in before that backend existed stay signed in."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganizerFactory, UserFactory

pytestmark = pytest.mark.django_db

SELL_LINK = 'href="/organizer/signup" class="nav-link"'


def user_queries(client, path="/events"):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response, [q["sql"] for q in captured if 'FROM "accounts_user"' in q["sql"]]


def test_a_buyers_page_loads_the_user_and_organizer_row_in_one_query(client):
    buyer = UserFactory()
    client.force_login(buyer)
    response, queries = user_queries(client)
    assert len(queries) == 1 and '"events_organizer"' in queries[0]
    standalone = [q for q in queries if q.startswith('SELECT "events_organizer"')]
    assert not standalone
    assert SELL_LINK in response.text  # not an organizer: the header offers it


def test_an_organizers_header_knows_them_without_another_query(client):
    user = OrganizerFactory().user
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/events")
    assert response.status_code == 200
    organizer_lookups = [
        q["sql"] for q in captured if q["sql"].startswith('SELECT "events_organizer"')
    ]
    assert organizer_lookups == []
    assert SELL_LINK not in response.text


@pytest.mark.parametrize(
    "backend",
    [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ],
)
def test_sessions_signed_in_with_the_previous_backends_stay_signed_in(client, backend):
    buyer = UserFactory(email="kept@example.ng")
    session = client.session
    session[SESSION_KEY] = str(buyer.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = buyer.get_session_auth_hash()
    session.save()
    client.cookies["sessionid"] = session.session_key
    response = client.get("/dashboard/orders")
    assert response.status_code == 200
    assert "kept@example.ng" in response.text or "Sign out" in response.text
