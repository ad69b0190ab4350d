"""The refusal lane (tickets.middleware.RefusalLaneMiddleware): hold requests this process
already refuses are answered before sessions, authentication and the rest of the stack, with
Django's CSRF check and the same security headers as any other answer."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import SeatFactory, SeatSectionFactory, TicketTypeFactory, UserFactory
from tickets.models import Hold

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_services]

HTMX = {"HTTP_HX_REQUEST": "true"}
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture
def one_seat_taken(client):
    """An event whose seat C1 was just held by someone else, as this process saw it."""
    section = SeatSectionFactory(name="Stalls")
    band = TicketTypeFactory(event=section.event, name="Stalls", capacity=4, max_per_order=4)
    seats = [
        SeatFactory(section=section, ticket_type=band, row_label="C", number=str(i))
        for i in range(1, 5)
    ]
    url = reverse("tickets:hold_seats", args=[section.event.slug])
    client.force_login(UserFactory())
    assert client.post(url, {"seat": [seats[0].pk]}).status_code == 302
    client.cookies.pop("holding", None)
    client.force_login(UserFactory())
    # The first refusal goes to the gate (once a second); the next ones come from memory.
    assert client.post(url, {"seat": [seats[0].pk]}, **HTMX).status_code == 409
    return url, seats


def test_a_refusal_from_the_lane_touches_no_session_user_or_database(client, one_seat_taken):
    url, seats = one_seat_taken
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(url, {"seat": [seats[0].pk]}, **HTMX)
    assert answer.status_code == 409
    assert "just been taken" in answer.content.decode()
    assert len(queries) == 0
    assert not hasattr(answer.wsgi_request, "session")  # SessionMiddleware never ran
    assert not hasattr(answer.wsgi_request, "user")
    assert Hold.objects.filter(status="active").count() == 1


def test_the_lane_answers_with_the_same_security_headers_as_the_full_stack(client, one_seat_taken):
    url, seats = one_seat_taken
    from_lane = client.post(url, {"seat": [seats[0].pk]}, **HTMX)
    assert not hasattr(from_lane.wsgi_request, "session")
    # A buyer holding something goes past the lane: the gate refuses through the full stack.
    client.cookies["holding"] = "1"
    from_views = client.post(url, {"seat": [seats[0].pk]}, **HTMX)
    assert hasattr(from_views.wsgi_request, "session")
    assert from_lane.status_code == from_views.status_code == 409
    for header in SECURITY_HEADERS:
        assert from_lane.get(header), header
        assert from_lane[header] == from_views[header], header


def test_a_forged_post_is_rejected_by_csrf_and_holds_nothing(one_seat_taken):
    url, seats = one_seat_taken
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())
    # No token at all: the lane leaves it to the full stack, which rejects it.
    forged = browser.post(url, {"seat": [seats[0].pk]}, **HTMX)
    assert forged.status_code == 403
    assert hasattr(forged.wsgi_request, "session")  # the full stack answered
    # A wrong token is rejected the same way, for a free seat too.
    browser.cookies["csrftoken"] = "a" * 32
    forged = browser.post(url, {"seat": [seats[1].pk]}, HTTP_X_CSRFTOKEN="b" * 32, **HTMX)
    assert forged.status_code == 403
    assert Hold.objects.filter(status="active").count() == 1
    # With the page's token the same browser is refused from memory, and can hold C2.
    page = browser.get(reverse("tickets:hold", args=[seats[0].event.slug]))
    token = page.cookies["csrftoken"].value
    refused = browser.post(url, {"seat": [seats[0].pk]}, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert refused.status_code == 409 and not hasattr(refused.wsgi_request, "session")
    held = browser.post(url, {"seat": [seats[1].pk]}, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert held.status_code == 200 and held["HX-Redirect"].startswith("/checkout")


def test_what_the_lane_cannot_refuse_goes_on_to_the_views(client, one_seat_taken):
    url, seats = one_seat_taken
    # Bad input gets the views' own message.
    bad = client.post(url, {"seat": ["nope"]}, **HTMX)
    assert bad.status_code == 400 and "Choose seats on the map" in bad.content.decode()
    # An event that is not on the site gets the site's not-found page.
    missing = client.post(
        reverse("tickets:hold_seats", args=["no-such-event"]), {"seat": [1]}, **HTMX
    )
    assert missing.status_code == 404
    # A plain form post (no htmx) is answered with a full page by the views.
    plain = client.post(url, {"seat": [seats[0].pk]})
    assert plain.status_code == 409 and hasattr(plain.wsgi_request, "session")
    assert "<html" in plain.content.decode()


def test_the_lane_follows_a_change_of_the_security_settings(client, one_seat_taken, settings):
    url, seats = one_seat_taken
    before = client.post(url, {"seat": [seats[0].pk]}, **HTMX)
    assert "frame-ancestors 'none'" in before["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"
    after = client.post(url, {"seat": [seats[0].pk]}, **HTMX)
    assert not hasattr(after.wsgi_request, "session")  # still the lane
    assert after["Content-Security-Policy"] == "default-src 'self'"
    assert after["X-Frame-Options"] == "SAMEORIGIN"


def test_the_lane_refuses_a_host_the_site_does_not_serve(client, one_seat_taken):
    url, seats = one_seat_taken
    answer = client.post(url, {"seat": [seats[0].pk]}, HTTP_HOST="evil.example", **HTMX)
    assert answer.status_code == 400
    assert "just been taken" not in answer.content.decode()
