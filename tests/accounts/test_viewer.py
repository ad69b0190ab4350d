"""Pages show who is signed in from the session (accounts.viewer), without the user row; the
facts they show are refreshed whenever a request loads the row anyway."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import viewer
from tests.accounts.conftest import sign_in
from tests.factories import OrganizerFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

SELL_LINK = 'class="nav-link">Sell tickets</a>'  # the header's, not the footer's


@pytest.fixture
def on_sale():
    return TicketTypeFactory(name="Regular", capacity=100).event


def user_rows_read(queries) -> int:
    return sum('FROM "accounts_user"' in q["sql"] for q in queries)


def test_a_signed_in_buyer_loads_the_event_selector_without_a_user_row(client, buyer, on_sale):
    sign_in(client, buyer)
    url = reverse("tickets:hold", args=[on_sale.slug])
    client.get(url)  # the first page after signing in
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    assert user_rows_read(queries.captured_queries) == 0
    html = page.content.decode()
    assert "My tickets" in html and "Sign out" in html and "Sign in" not in html
    assert SELL_LINK in html  # not an organizer
    assert "Switch to organizing" not in html


def test_an_organizer_sees_the_role_switcher_from_the_session(client, organizer_user, on_sale):
    sign_in(client, organizer_user)
    assert client.session[viewer.FACTS_KEY] == {"organizer": True}
    url = reverse("tickets:hold", args=[on_sale.slug])
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert user_rows_read(queries.captured_queries) == 0
    assert "Switch to organizing" in html and SELL_LINK not in html


def test_approval_after_signing_in_shows_once_a_page_has_read_the_user(client, buyer, on_sale):
    sign_in(client, buyer)
    url = reverse("tickets:hold", args=[on_sale.slug])
    assert "Switch to organizing" not in client.get(url).content.decode()
    OrganizerFactory(user=buyer)  # approved by staff meanwhile
    assert client.get("/profile").status_code == 200  # reads the user row
    assert client.session[viewer.FACTS_KEY] == {"organizer": True}
    assert "Switch to organizing" in client.get(url).content.decode()


def test_a_session_from_before_asks_the_user_row_once(client, organizer_user, on_sale):
    sign_in(client, organizer_user)
    session = client.session
    del session[viewer.FACTS_KEY]
    session.save()
    url = reverse("tickets:hold", args=[on_sale.slug])
    assert "Switch to organizing" in client.get(url).content.decode()
    assert client.session[viewer.FACTS_KEY] == {"organizer": True}
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert user_rows_read(queries.captured_queries) == 0


def test_pages_that_show_the_users_details_still_read_them(client, buyer):
    sign_in(client, buyer)
    html = client.get("/profile").content.decode()
    assert buyer.email in html


def test_signed_out_visitors_see_sign_in_links(client, on_sale):
    html = client.get(reverse("events:detail", args=[on_sale.slug])).content.decode()
    assert "Sign in" in html and "My tickets" not in html


def test_the_templates_user_can_be_copied_like_any_context_value(rf, buyer):
    import copy

    request = rf.get("/")
    request.user = buyer
    request.session = {}
    copied = copy.copy(viewer.Viewer(request))
    assert copied.is_authenticated is False  # no session key: signed out, as the page shows
    assert copied.email == buyer.email
