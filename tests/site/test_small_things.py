"""Small things a buyer notices (issue 18 item 8): favicon, trailing slashes."""

import pytest

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_every_page_links_a_favicon_that_exists(client):
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"] == "/static/favicon.svg"


@pytest.mark.parametrize(
    "typed, lands_on",
    [
        ("/events/", "/events"),
        ("/auth/register/", "/auth/register"),
        ("/events/?city=Lagos", "/events?city=Lagos"),
        ("/faqs//", "/faqs"),
    ],
)
def test_a_trailing_slash_redirects_to_the_page(client, typed, lands_on):
    response = client.get(typed)
    assert response.status_code == 301
    assert response["Location"] == lands_on
    assert client.get(lands_on).status_code == 200


def test_an_event_address_with_a_slash_redirects_and_unknown_ones_stay_404(client):
    event = EventFactory()
    assert client.get(f"/events/{event.slug}/")["Location"] == f"/events/{event.slug}"
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/admin/").status_code == 302  # admin keeps its own slashes


def test_a_form_posted_to_a_slashed_address_keeps_its_method(client):
    response = client.post("/newsletter/", {"email": "ada@example.ng"})
    assert response.status_code == 308 and response["Location"] == "/newsletter"
