"""Whole public pages served from the shared cache (getiickets.page_cache): what changes shows
on the next request, nothing personal is ever shared, live stock stays within seconds."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services
from events.models import Event, TicketType
from getiickets import page_cache
from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory, UserFactory
from tickets.inventory import waiting_room

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db]


def visit(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def served_from_cache(client, url) -> str:
    """The page, asserting it cost no query (the copy in the cache)."""
    with CaptureQueriesContext(connection) as ctx:
        page = visit(client, url)
    assert len(ctx.captured_queries) == 0, [q["sql"] for q in ctx.captured_queries]
    return page


@pytest.fixture
def event():
    event = EventFactory(title="Lagoon Jazz")
    TicketTypeFactory(event=event, name="Regular", capacity=100)
    TicketTypeFactory(event=event, name="VIP Table", price_kobo=5_000_000, capacity=20)
    return event


def test_an_event_page_is_one_cached_copy_for_every_signed_out_visitor(event):
    url = event.get_absolute_url()
    assert "Lagoon Jazz" in visit(Client(), url)
    assert "Lagoon Jazz" in served_from_cache(Client(), url)
    for other in ("/", "/events", "/events?city=Lagos&sort=price"):
        visit(Client(), other)
        served_from_cache(Client(), other)


@pytest.mark.parametrize(
    "change, shown, gone",
    [
        ("edit", "Lagoon Jazz (new date)", None),
        ("hide", "Regular", "VIP Table"),
        ("close_sale", "Sales ended", None),
        ("cancel", "This event has been cancelled", None),
    ],
)
def test_a_cached_event_page_changes_on_the_next_request_after_the_organizer_acts(
    event, change, shown, gone
):
    url = event.get_absolute_url()
    visitor = Client()
    visit(visitor, url)
    page = served_from_cache(visitor, url)
    assert "VIP Table" in page and "Sales ended" not in page

    vip = event.ticket_types.get(name="VIP Table")
    if change == "edit":
        services.update_event(event=event, venue=event.venue, title="Lagoon Jazz (new date)")
    elif change == "hide":
        services.update_ticket_type(ticket_type=vip, is_visible=False)
    elif change == "close_sale":
        for tt in event.ticket_types.all():
            services.update_ticket_type(ticket_type=tt, sales_end=timezone.now())
    elif change == "cancel":
        services.cancel_event(event=event)

    page = visit(visitor, url)
    assert shown in page
    if gone:
        assert gone not in page


def test_an_unpublished_event_is_gone_at_once_not_served_from_the_cache(event):
    url = event.get_absolute_url()
    visit(Client(), url)
    served_from_cache(Client(), url)
    services.unpublish_event(event=event)
    visit(Client(), url, status=404)
    assert "Lagoon Jazz" not in visit(Client(), "/events")


def test_a_sale_that_ends_by_the_clock_is_not_shown_on_sale_a_moment_later(event):
    soon = timezone.now() + timedelta(seconds=1)
    for tt in event.ticket_types.all():
        services.update_ticket_type(ticket_type=tt, sales_end=soon)
    url = event.get_absolute_url()
    visit(Client(), url)
    assert "Sales ended" not in served_from_cache(Client(), url)
    time.sleep(1.1)  # within the copy's freshness (2 s), past the moment the sale ended
    assert "Sales ended" in visit(Client(), url)


def test_live_stock_on_a_cached_page_is_at_most_seconds_old(event, monkeypatch):
    url = event.get_absolute_url()
    visit(Client(), url)
    # Holds taken elsewhere (no sell-out, so no version bump): 95 of the 100 Regular.
    TicketType.objects.filter(event=event, name="Regular").update(held=95)
    assert "Only 5 left" not in served_from_cache(Client(), url)  # within 2 s: the copy

    later = time.time() + 3  # past the copy's freshness
    monkeypatch.setattr(page_cache, "time", SimpleNamespace(time=lambda: later))
    key = page_cache._key(_request_for(url), "")
    assert cache.add(f"{key}:rebuilding", 1, timeout=30)  # another process is rebuilding
    assert "Only 5 left" not in served_from_cache(Client(), url)  # meanwhile: the copy
    cache.delete(f"{key}:rebuilding")
    assert "Only 5 left" in visit(Client(), url)  # this one rebuilds it


def _request_for(url):
    from django.test import RequestFactory

    request = RequestFactory().get(url)
    request.htmx = False
    return request


def csrf_tokens(page: str) -> set[str]:
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    tokens |= set(re.findall(r'"X-CSRFToken": "([^"]+)"', page))
    assert tokens and page_cache.TOKEN not in page
    return tokens


def test_two_signed_out_visitors_never_get_each_others_csrf_token(event):
    from django.middleware.csrf import _unmask_cipher_token

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    url = event.get_absolute_url()
    mine = csrf_tokens(visit(first, url))  # built for the first visitor
    theirs = csrf_tokens(served_from_cache(second, url))  # the copy, for the second
    first_secret = first.cookies["csrftoken"].value
    second_secret = second.cookies["csrftoken"].value
    assert first_secret != second_secret
    assert {_unmask_cipher_token(t) for t in mine} == {first_secret}
    assert {_unmask_cipher_token(t) for t in theirs} == {second_secret}

    # The home page's newsletter form works for the second visitor with their own token,
    # and the first visitor's token is refused for them.
    visit(first, "/")
    home = served_from_cache(second, "/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home).group(1)
    stolen = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', visit(first, "/")).group(1)
    refused = second.post("/newsletter", {"email": "ada@example.ng", "csrfmiddlewaretoken": stolen})
    assert refused.status_code == 403
    signed = second.post("/newsletter", {"email": "ada@example.ng", "csrfmiddlewaretoken": token})
    assert signed.status_code == 302


def test_a_signed_in_visitor_served_the_copy_signs_out_with_their_own_token(event):
    from django.middleware.csrf import _unmask_cipher_token

    url = event.get_absolute_url()
    visit(Client(), url)  # the copy
    buyer = Client(enforce_csrf_checks=True)
    buyer.force_login(UserFactory())
    visit(buyer, "/events")  # the session's first request starts its role's clock
    page = served_from_cache(buyer, url)
    assert "Sign out" in page
    assert {_unmask_cipher_token(t) for t in csrf_tokens(page)} == {
        buyer.cookies["csrftoken"].value
    }
    sign_out = re.search(
        r'action="/auth/logout"[^>]*>.*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S
    ).group(1)
    assert buyer.post("/auth/logout", {"csrfmiddlewaretoken": sign_out}).status_code == 302
    assert "Sign out" not in visit(buyer, url)


def test_one_visitors_flash_message_is_never_shown_to_another():
    TicketTypeFactory(event=EventFactory(is_featured=True))
    other = Client()
    visit(other, "/")
    first = Client()
    first.post("/newsletter", {"email": "ada@example.ng"})
    assert "ada@example.ng is on the list" in visit(first, "/")  # their message, once
    assert "ada@example.ng" not in served_from_cache(other, "/")
    assert "ada@example.ng" not in visit(first, "/")


def test_the_header_names_whoever_is_signed_in_around_the_shared_page(event):
    url = event.get_absolute_url()
    organizer_client = Client()
    organizer_client.force_login(OrganizerFactory().user)
    page = visit(organizer_client, url)  # the organizer's request builds the copy
    assert "Switch to organizing" in page and "Sign out" in page

    anonymous = served_from_cache(Client(), url)
    assert "Sign in" in anonymous and "Sign out" not in anonymous
    assert "Switch to" not in anonymous and "Lagoon Jazz" in anonymous

    buyer = Client()
    buyer.force_login(UserFactory())
    visit(buyer, "/events")  # the session's first request starts its role's clock
    with CaptureQueriesContext(connection) as ctx:
        page = visit(buyer, url)
    assert "My tickets" in page and "Sign out" in page and "Switch to" not in page
    assert "Lagoon Jazz" in page
    # The page is the copy and the user too (accounts.user_cache): no query at all.
    assert ctx.captured_queries == []


def test_signed_out_visitors_get_304_for_an_unchanged_copy_and_200_after_a_change(event):
    visitor = Client()
    url = event.get_absolute_url()
    visit(visitor, url)
    first = visitor.get(url)
    assert visitor.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    services.update_event(event=event, venue=event.venue, title="Lagoon Jazz II")
    changed = visitor.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "Lagoon Jazz II" in changed.content.decode()


def test_switching_the_waiting_room_on_shows_the_queue_on_the_next_request(event):
    url = event.get_absolute_url()
    visitor = Client()
    visit(visitor, url)
    assert "Join the queue" not in served_from_cache(visitor, url)
    waiting_room.configure(event=event, enabled=True, admissions_per_minute=60)
    assert "Join the queue" in visit(visitor, url)


def test_a_seated_event_page_is_served_from_the_copy_with_seats_taken_by_the_status_poll():
    seated = EventFactory(title="Seated Gala", seating=Event.Seating.RESERVED)
    band = TicketTypeFactory(event=seated, name="Stalls", capacity=0)
    services.generate_section(
        event=seated, name="Stalls", rows=4, seats_per_row=25, ticket_type=band
    )
    url = seated.get_absolute_url()
    visit(Client(), url)
    page = served_from_cache(Client(), url)
    assert page.count('class="s b') == 100


def test_another_events_edit_rebuilds_the_lists_but_not_this_event_page(event):
    other = EventFactory(title="Other Night")
    url = event.get_absolute_url()
    for page in (url, "/events"):
        visit(Client(), page)
    services.update_event(event=other, venue=other.venue, title="Other Night (moved)")
    served_from_cache(Client(), url)
    assert "Other Night (moved)" in visit(Client(), "/events")


def test_the_seat_maps_layout_is_drawn_once_per_version_and_taken_seats_every_time():
    from tickets import selector
    from tickets.inventory import holds

    seated = EventFactory(title="Seated Gala", seating=Event.Seating.RESERVED)
    band = TicketTypeFactory(event=seated, name="Stalls", capacity=0)
    services.generate_section(
        event=seated, name="Stalls", rows=2, seats_per_row=10, ticket_type=band
    )
    seat = seated.seats.order_by("pk").first()
    svg = selector.seat_map(seated).svg
    assert f'data-id="{seat.pk}" aria-label="Stalls · Row A · Seat 1"/>' in svg

    with CaptureQueriesContext(connection) as ctx:
        selector.seat_map(seated)
    layout_reads = [q for q in ctx.captured_queries if '"events_seat"."row_label"' in q["sql"]]
    assert not layout_reads  # the layout from the cache; only the seats taken are read

    holds.hold_seats(buyer=UserFactory(), event=seated, seat_ids=[seat.pk])
    svg = selector.seat_map(seated).svg  # the same layout, this seat now taken
    assert (
        f'class="s b0 x" data-id="{seat.pk}" aria-label="Stalls · Row A · Seat 1, taken"/>' in svg
    )
    assert svg.count(", taken") == 1

    section = seated.sections.get()
    services.rename_section(event=seated, section_id=section.pk, name="Balcony")
    assert "Balcony · Row A · Seat 1, taken" in selector.seat_map(seated).svg


def test_parameters_a_page_does_not_read_share_its_copy(event, redis_client):
    url = event.get_absolute_url()
    visit(Client(), url)
    visit(Client(), "/events?city=Lagos")
    copies = len(redis_client.keys("*pages:*"))
    for n in range(5):  # a campaign's tags, or junk: the same copies, no new ones
        assert "Lagoon Jazz" in served_from_cache(Client(), f"{url}?utm_source=x{n}")
        served_from_cache(Client(), f"/events?city=Lagos&junk={n}")
    assert len(redis_client.keys("*pages:*")) == copies
